import FoundationEssentials
import Glibc

/// A directory that stands in for `/`: `/etc/nginx/nginx.conf` lands at `ROOT/etc/nginx/nginx.conf`.
///
/// Paths are resolved component by component through directory descriptors (``RootWalk``),
/// following symbolic links the way a `chroot` would (an absolute target means `ROOT/...`). A
/// `..` or a relative link that climbs out of the root is refused, and a directory swapped for a
/// link while an apply runs cannot send anything outside: every operation ends in an `*at` call
/// on a directory already opened inside the root, and a directory once resolved stays resolved
/// for the command (``ResolvedDirectories``). Processes never run here, and ownership is left alone.
public struct RootedHost: Host {
    public let root: String
    private let fileSystem = FileSystem()
    package let walk: RootWalk
    private let directories = ResolvedDirectories()

    public init(root: String) {
        let standardized = URL(fileURLWithPath: root).standardizedFileURL.path
        self.root = standardized == "/" ? "" : standardized
        walk = RootWalk(root: self.root)
    }

    public var displayName: String { "--root \(root.isEmpty ? "/" : root)" }
    public var capabilities: TargetCapabilities { [] }
    public var restoresOwnership: Bool { geteuid() == 0 }

    /// The real path for a target path. The last component is not followed: a step about a
    /// link manages the link itself.
    public func realPath(_ path: String) throws -> String {
        root + "/" + (try located(path).components).joined(separator: "/")
    }

    /// Where `path` is: its parent directory as resolved for this command, and its name there.
    /// A path that is not plain (`/`, `.`, `..`, `//`) is walked afresh every time.
    private func located(_ path: String) throws -> RootWalk.Resolved {
        guard Self.isPlain(path) else { return try walk.resolve(path, followingLast: false, pastMissing: true) }
        let name = path.baseName
        let parent = try directories.value(for: path.parentDirectory) { try walk.directory(path.parentDirectory, reportedAs: path) }
        return RootWalk.Resolved(entry: DirectoryEntry(directory: parent.entry.directory, name: name, displayPath: path),
                                 components: parent.components + [name], missing: parent.missing)
    }

    private static func isPlain(_ path: String) -> Bool {
        let components = path.split(separator: "/", omittingEmptySubsequences: false).dropFirst()
        return path.hasPrefix("/") && !components.isEmpty && !components.contains { $0.isEmpty || $0 == "." || $0 == ".." }
    }

    /// The entry an operation works on; throws when a directory on the way is missing.
    private func entry(_ path: String, for operation: String) throws -> DirectoryEntry {
        let location = try located(path)
        if let missing = location.missing { throw HostError(path: path, operation: operation, errno: missing.code) }
        return location.entry
    }

    /// Runs a change at `path`, then forgets the directories it may have re-routed.
    private func changing(_ path: String, for operation: String, _ change: (DirectoryEntry) throws -> Void) throws {
        let location = try located(path)
        defer {
            if Self.isPlain(path) { directories.forget(path, resolvedTo: location.components) } else { directories.forgetAll() }
        }
        if let missing = location.missing { throw HostError(path: path, operation: operation, errno: missing.code) }
        try change(location.entry)
    }

    /// The entry for reading `path`, its last link followed inside the root.
    private func followed(_ path: String, for operation: String) throws -> DirectoryEntry {
        let found = try entry(path, for: operation)
        guard found.directory.status(found.name).map({ $0.st_mode & S_IFMT == S_IFLNK }) == true else { return found }
        do {
            return try walk.resolve(path, followingLast: true, reportedAs: path).entry
        } catch let missing as HostErrno {
            throw HostError(path: path, operation: operation, errno: missing.code)
        }
    }

    public func status(_ path: String) throws -> FileStatus? {
        let location = try located(path)
        return location.missing == nil ? try fileSystem.status(location.entry) : nil
    }
    public func read(_ path: String) throws -> Data { try fileSystem.read(followed(path, for: "read")) }
    public func list(_ path: String) throws -> [String] {
        let directory = try directories.value(for: path) { try walk.directory(path, reportedAs: path) }
        if let missing = directory.missing { throw HostError(path: path, operation: "list", errno: missing.code) }
        return try fileSystem.list(directory.entry)
    }
    public func writeAtomically(_ path: String, data: Data, mode: UInt32) throws {
        try changing(path, for: "write") { try fileSystem.writeAtomically($0, data: data, mode: mode) }
    }
    public func makeDirectory(_ path: String, mode: UInt32) throws {
        try changing(path, for: "create directory") { try fileSystem.makeDirectory($0, mode: mode) }
    }
    public func makeSymlink(_ path: String, target: String) throws {
        try changing(path, for: "create link") { try fileSystem.makeSymlink($0, target: target) }
    }
    public func remove(_ path: String) throws {
        try changing(path, for: "remove") { try fileSystem.remove($0) }
    }
    public func setMode(_ path: String, mode: UInt32) throws {
        try fileSystem.setMode(entry(path, for: "set mode of"), mode: mode)
    }
    public func setOwner(_ path: String, uid: UInt32, gid: UInt32) throws {
        guard restoresOwnership else { return }
        try fileSystem.setOwner(entry(path, for: "set owner of"), uid: uid, gid: gid)
    }
    /// The target's own users and groups, from its `/etc/passwd` and `/etc/group`; a root with no
    /// such file still knows `root`, which is 0 on every Linux system.
    public func userID(named name: String) -> UInt32? { accountID(name, in: "/etc/passwd") }
    public func groupID(named name: String) -> UInt32? { accountID(name, in: "/etc/group") }

    private func accountID(_ name: String, in database: String) -> UInt32? {
        if let number = UInt32(name) { return number }
        guard let data = try? read(database) else { return name == "root" ? 0 : nil }
        for line in String(decoding: data, as: UTF8.self).split(separator: "\n") {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            if fields.count > 2, fields[0] == name { return UInt32(fields[2]) }
        }
        return nil
    }
    public func run(_ command: ShellCommand) throws -> ProcessResult {
        throw HostError(path: command.script, operation: "run", reason: "processes do not run under --root")
    }
}
