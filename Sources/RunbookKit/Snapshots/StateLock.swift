import FoundationEssentials
import Glibc

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

    private let descriptor: Int32
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
        descriptor = openat(directory.descriptor, "lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw HostError(path: path, operation: "open lock", errno: errno) }
        let previous = Self.readHolder(descriptor)
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            let holder = previous
            close(descriptor)
            throw LockError.held(by: holder)
        }
        staleHolder = previous
        let me = Holder(pid: getpid(), startedAt: SnapshotStore.timestamp(), command: command)
        let text = "pid=\(me.pid)\nstarted=\(me.startedAt)\ncommand=\(me.command)\n"
        _ = ftruncate(descriptor, 0)
        _ = pwrite(descriptor, text, text.utf8.count, 0)
        _ = fsync(descriptor)
    }

    /// Clears the holder record, then lets go.
    public func release() {
        _ = ftruncate(descriptor, 0)
        _ = fsync(descriptor)
        flock(descriptor, LOCK_UN)
        close(descriptor)
    }

    private static func readHolder(_ descriptor: Int32) -> Holder? {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = pread(descriptor, &buffer, buffer.count, 0)
        guard count > 0 else { return nil }
        var fields: [String: String] = [:]
        for line in String(decoding: buffer[0..<count], as: UTF8.self).split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1)
            if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
        }
        guard let pid = fields["pid"].flatMap(Int32.init) else { return nil }
        return Holder(pid: pid, startedAt: fields["started"] ?? "?", command: fields["command"] ?? "?")
    }
}
