import Foundation

/// Reads every process's command line in /proc, over and over, until stopped: what anyone on the
/// machine could see with `ps` while a command ran.
final class ProcessWatcher: @unchecked Sendable {
    private let lock = NSLock()
    private var seen: Set<String> = []
    private var running = true
    private var thread: Thread!

    init() {
        thread = Thread { [self] in
            while lock.withLock({ running }) {
                let lines = Self.commandLines()
                lock.withLock { seen.formUnion(lines) }
            }
        }
        thread.start()
    }

    /// Stops watching; every distinct command line seen, its arguments joined by spaces.
    func stop() -> Set<String> {
        lock.withLock { running = false }
        while !thread.isFinished { usleep(1_000) }
        return lock.withLock { seen }
    }

    private static func commandLines() -> Set<String> {
        let pids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.filter { $0.allSatisfy(\.isNumber) } ?? []
        return Set(pids.compactMap { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"), !data.isEmpty else { return nil }
            return String(decoding: data, as: UTF8.self).split(separator: "\0").joined(separator: " ")
        })
    }
}
