import Foundation

/// A request whose response is read as it arrives, with the time each line came in, to tell a
/// streamed answer from one nginx buffered.
final class StreamingRequest: @unchecked Sendable {
    struct Line {
        var text: String
        var arrival: TimeInterval
    }

    private let process = Process()
    private let output = Pipe()
    private let lock = NSLock()
    private var received: [Line] = []
    private let started = Date()
    private let finished = DispatchSemaphore(value: 0)

    init(program: String, arguments: [String]) throws {
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let reader = Thread { [self] in
            var pending = Data()
            while true {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                pending.append(chunk)
                while let newline = pending.firstIndex(of: 0x0A) {
                    let text = String(decoding: pending[pending.startIndex..<newline], as: UTF8.self)
                    pending = Data(pending[pending.index(after: newline)...])
                    lock.withLock { received.append(Line(text: text, arrival: Date().timeIntervalSince(started))) }
                }
            }
            finished.signal()
        }
        reader.start()
    }

    var lines: [Line] { lock.withLock { received } }

    func waitForFirstLine(timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if !lines.isEmpty { return true }
            usleep(20_000)
        }
        return false
    }

    /// Waits for the response to end; returns curl's exit status.
    func wait(timeout: TimeInterval) -> Int32? {
        guard finished.wait(timeout: .now() + timeout) == .success else {
            process.terminate()
            return nil
        }
        process.waitUntilExit()
        return process.terminationStatus
    }
}
