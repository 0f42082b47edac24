import FoundationEssentials
import Glibc

/// The state directory (`/var/lib/runbook`, mode 0700): the lock, generated secrets and snapshots.
public struct StateDirectory: Sendable {
    public let path: String
    public var snapshots: SnapshotStore { SnapshotStore(stateDirectory: path) }
    var secretsPath: String { path + "/secrets" }

    public init(path: String) {
        self.path = path
    }

    /// Creates a directory (and its missing parents) and makes sure it is mode 0700.
    static func makePrivateDirectory(_ path: String) throws {
        var info = stat()
        if lstat(path, &info) != 0 {
            let parent = path.parentDirectory
            if !parent.isEmpty, parent != path, lstat(parent, &info) != 0 {
                try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
            }
            guard mkdir(path, 0o700) == 0 || errno == EEXIST else {
                throw HostError(path: path, operation: "create state directory", errno: errno)
            }
        }
        guard chmod(path, 0o700) == 0 else { throw HostError(path: path, operation: "set mode of", errno: errno) }
    }

    /// Generated secrets from earlier applies.
    public func storedSecrets() throws -> [String: String] {
        // Unreadable is not the same as absent: planning as if no secret existed would show a false change.
        if FileManager.default.fileExists(atPath: path), access(path, R_OK | X_OK) != 0 {
            throw Diagnostic("cannot read the state directory \(path): \(String(cString: strerror(errno)))",
                             origin: "--state-dir \(path)", hint: "run as root, or pass --state-dir")
        }
        guard FileManager.default.fileExists(atPath: secretsPath) else { return [:] }
        let data = try FileSystem().read(real: secretsPath, displayPath: secretsPath)
        return try JSONDecoder().decode([String: String].self, from: data)
    }

    /// Keeps newly generated secrets, mode 0600, so later applies reuse them.
    public func storeSecrets(_ new: [String: String]) throws {
        guard !new.isEmpty else { return }
        try Self.makePrivateDirectory(path)
        var all = try storedSecrets()
        all.merge(new) { old, _ in old }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try FileSystem().writeAtomically(real: secretsPath, displayPath: secretsPath, data: try encoder.encode(all), mode: 0o600)
    }
}
