import FoundationEssentials
import Glibc
import RunbookModel
import RunbookHost

/// The exclusive lock an apply or a rollback holds on the state directory.
///
/// It is an `flock` on `STATE/lock`, so the kernel releases it when its holder dies. The file also
/// says who holds it (PID, start time, command). A second apply is refused with that
/// description; a record left by a holder that died is reported, not silently taken over.
public final class StateLock {
    public struct Holder: Sendable, CustomStringConvertible {
        public var pid: Int32
        public var startedAt: String
        public var command: String

        public var description: String { "pid \(pid), started \(startedAt) (\(command))" }
    }

    public enum LockError: Error, CustomStringConvertible {
        case held(by: Holder?)
        public var description: String {
            switch self {
            case .held(let holder):
                "another runbook holds the state directory lock: \(holder?.description ?? "holder unknown")"
            }
        }
    }

    private let file: LockFile
    private let path: String
    /// A holder that died without releasing: the caller reports it.
    public let staleHolder: Holder?

    public init(stateDirectory: StatePath, command: String) throws {
        let directory = try StateDirectory(path: stateDirectory).openCreating()
        path = stateDirectory.file("lock")
        // Only its kind matters: it holds no state, just who holds it, so its mode and owner are
        // not checked like a snapshot's.
        if let info = directory.status("lock"), info.st_mode & S_IFMT != S_IFREG {
            try StateFile.checkPrivate(info, path: path, directory: false)
        }
        let file = try LockFile(DirectoryEntry(directory: directory, name: "lock", displayPath: path))
        let previous = Self.holder(in: file.contents())
        guard file.tryLock() else { throw LockError.held(by: previous) }
        self.file = file
        staleHolder = previous
        let me = Holder(pid: getpid(), startedAt: Clock.timestamp(), command: command)
        file.replaceContents(Data("pid=\(me.pid)\nstarted=\(me.startedAt)\ncommand=\(me.command)\n".utf8))
    }

    /// Clears the holder record, then lets go.
    public func release() {
        file.replaceContents(Data())
        file.unlock()
    }

    private static func holder(in record: Data) -> Holder? {
        guard !record.isEmpty else { return nil }
        var fields: [String: String] = [:]
        for line in String(decoding: record, as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
        }
        guard let pid = fields["pid"].flatMap(Int32.init) else { return nil }
        return Holder(pid: pid, startedAt: fields["started"] ?? "?", command: fields["command"] ?? "?")
    }
}
