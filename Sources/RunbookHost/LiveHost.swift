import FoundationEssentials
import Glibc

/// The machine `runbook` runs on, paths as they are. What an operator uses with root.
///
/// The parent directory of a path is found by the kernel, links followed as usual; the operation
/// itself then works on that directory's descriptor and never follows a link at the last name,
/// so a link planted at a write's temporary name cannot redirect the write.
public struct LiveHost: Host {
    private let fileSystem = FileSystem()
    private let launcher = ProcessLauncher()

    public init() {}

    public var displayName: String { "/" }
    public var capabilities: TargetCapabilities { .all }
    public var restoresOwnership: Bool { true }

    /// The physical path: every directory on the way resolved (as far as it exists), the last
    /// component not followed.
    public func realPath(_ path: String) throws -> String {
        guard path != "/" else { return "/" }
        var missing = [path.baseName]
        var directory = path.parentDirectory
        while true {
            if let resolved = realpath(directory, nil) {
                defer { free(resolved) }
                let base = String(cString: resolved)
                return (base == "/" ? "" : base) + "/" + missing.joined(separator: "/")
            }
            guard directory != "/", !directory.isEmpty else { return path }
            missing.insert(directory.baseName, at: 0)
            directory = directory.parentDirectory
        }
    }

    /// Nil when the parent directory is missing or not a directory.
    private func entry(_ path: String, for operation: String) throws -> DirectoryEntry? {
        guard path.hasPrefix("/") else {
            throw HostError(path: path, operation: operation, reason: "the path is not absolute")
        }
        let isRoot = path.parentDirectory == path
        guard let directory = try DirectoryHandle.open(isRoot ? "/" : path.parentDirectory, displayPath: path) else { return nil }
        return DirectoryEntry(directory: directory, name: isRoot ? "." : path.baseName, displayPath: path)
    }

    private func existingEntry(_ path: String, for operation: String) throws -> DirectoryEntry {
        guard let found = try entry(path, for: operation) else {
            throw HostError(path: path, operation: operation, errno: ENOENT)
        }
        return found
    }

    public func status(_ path: String) throws -> FileStatus? { try entry(path, for: "inspect").flatMap { try fileSystem.status($0) } }
    public func read(_ path: String) throws -> Data {
        try fileSystem.read(existingEntry(path, for: "read"), followingLink: true)
    }
    public func list(_ path: String) throws -> [String] {
        try fileSystem.list(existingEntry(path, for: "list"), followingLink: true)
    }
    public func writeAtomically(_ path: String, data: Data, mode: UInt32) throws {
        try fileSystem.writeAtomically(existingEntry(path, for: "write"), data: data, mode: mode)
    }
    public func makeDirectory(_ path: String, mode: UInt32) throws {
        try fileSystem.makeDirectory(existingEntry(path, for: "create directory"), mode: mode)
    }
    public func makeSymlink(_ path: String, target: String) throws {
        try fileSystem.makeSymlink(existingEntry(path, for: "create link"), target: target)
    }
    public func remove(_ path: String) throws {
        guard let found = try entry(path, for: "remove") else { return }
        try fileSystem.remove(found)
    }
    public func setMode(_ path: String, mode: UInt32) throws { try fileSystem.setMode(existingEntry(path, for: "set mode of"), mode: mode) }
    public func setOwner(_ path: String, uid: UInt32, gid: UInt32) throws {
        try fileSystem.setOwner(existingEntry(path, for: "set owner of"), uid: uid, gid: gid)
    }
    public func userID(named name: String) -> UInt32? {
        if let number = UInt32(name) { return number }
        return getpwnam(name).map { $0.pointee.pw_uid }
    }
    public func groupID(named name: String) -> UInt32? {
        if let number = UInt32(name) { return number }
        return getgrnam(name).map { $0.pointee.gr_gid }
    }
    public func run(_ command: ShellCommand) throws -> ProcessResult { try launcher.run(command) }
}
