import FoundationEssentials
import Glibc
import Synchronization

/// A directory that stands in for `/`: `/etc/nginx/nginx.conf` lands at `ROOT/etc/nginx/nginx.conf`.
///
/// Paths are resolved component by component, following symbolic links the way a `chroot`
/// would (an absolute target means `ROOT/...`). A `..` or a relative link that climbs out of the
/// root is refused. Processes never run here, and ownership is left alone.
public struct RootedHost: Host {
    public let root: String
    private let fileSystem = FileSystem()
    private let resolvedDirectories = ResolvedDirectories()

    public init(root: String) {
        let standardized = URL(fileURLWithPath: root).standardizedFileURL.path
        self.root = standardized == "/" ? "" : standardized
    }

    public var displayName: String { "--root \(root)" }
    public var runsProcesses: Bool { false }
    public var managesOwnership: Bool { false }

    /// The real path for a target path. The last component is not followed: a step about a
    /// link manages the link itself.
    public func realPath(_ path: String) throws -> String {
        guard path.hasPrefix("/") else {
            throw HostError(path: path, operation: "use", reason: "the path is not absolute")
        }
        let slash = path.utf8.lastIndex(of: UInt8(ascii: "/"))!
        let name = path[path.utf8.index(after: slash)...]
        guard !name.isEmpty, name != ".", name != ".." else {
            return root + "/" + (try resolve(path, followingLast: false, reportedAs: path)).joined(separator: "/")
        }
        let parent = String(path[..<slash])
        let directory = try resolvedDirectories.value(for: parent) {
            try resolve(parent, followingLast: true, reportedAs: path).joined(separator: "/")
        }
        return root + "/" + (directory.isEmpty ? String(name) : directory + "/" + name)
    }

    /// The components of `path` under the root, with every link on the way followed (the last
    /// one only when `followingLast`).
    private func resolve(_ path: String, followingLast: Bool, reportedAs displayPath: String) throws -> [String] {
        var resolved: [String] = []
        var pending = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        var linksFollowed = 0
        while !pending.isEmpty {
            let component = pending.removeFirst()
            switch component {
            case ".": continue
            case "..":
                guard !resolved.isEmpty else {
                    throw HostError(path: displayPath, operation: "use", reason: "it climbs out of the --root directory with '..'",
                                    hint: "write the path without '..'")
                }
                resolved.removeLast()
                continue
            default: break
            }
            let candidate = root + "/" + (resolved + [component]).joined(separator: "/")
            guard followingLast || !pending.isEmpty, let status = try fileSystem.status(real: candidate, displayPath: displayPath),
                  status.kind == .symlink, let target = status.linkTarget else {
                resolved.append(component)
                continue
            }
            linksFollowed += 1
            guard linksFollowed <= 40 else {
                throw HostError(path: displayPath, operation: "use", reason: "too many levels of symbolic links",
                                hint: "the links under the --root directory form a loop; fix or remove one of them")
            }
            let targetComponents = target.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
            if target.hasPrefix("/") {
                resolved = []
            } else {
                var depth = resolved.count
                for part in targetComponents {
                    if part == ".." { depth -= 1 } else if part != "." { depth += 1 }
                    if depth < 0 {
                        throw HostError(path: displayPath, operation: "use",
                                        reason: "the link \(([""] + resolved + [component]).joined(separator: "/")) -> \(target) escapes the --root directory",
                                        hint: "make the link point inside the --root directory, or remove it")
                    }
                }
            }
            pending = targetComponents + pending
        }
        return resolved
    }

    public func status(_ path: String) throws -> FileStatus? { try fileSystem.status(real: realPath(path), displayPath: path) }
    public func read(_ path: String) throws -> Data { try fileSystem.read(real: realPath(path), displayPath: path) }
    public func list(_ path: String) throws -> [String] { try fileSystem.list(real: realPath(path), displayPath: path) }
    public func writeAtomically(_ path: String, data: Data, mode: UInt32) throws {
        defer { resolvedDirectories.clear() }
        try fileSystem.writeAtomically(real: realPath(path), displayPath: path, data: data, mode: mode)
    }
    public func makeDirectory(_ path: String, mode: UInt32) throws {
        defer { resolvedDirectories.clear() }
        try fileSystem.makeDirectory(real: realPath(path), displayPath: path, mode: mode)
    }
    public func makeSymlink(_ path: String, target: String) throws {
        defer { resolvedDirectories.clear() }
        try fileSystem.makeSymlink(real: realPath(path), displayPath: path, target: target)
    }
    public func remove(_ path: String) throws {
        defer { resolvedDirectories.clear() }
        try fileSystem.remove(real: realPath(path), displayPath: path)
    }
    public func setMode(_ path: String, mode: UInt32) throws {
        try fileSystem.setMode(real: realPath(path), displayPath: path, mode: mode)
    }
    public func setOwner(_ path: String, uid: UInt32, gid: UInt32) throws {}
    public func userID(named name: String) -> UInt32? { nil }
    public func groupID(named name: String) -> UInt32? { nil }
    public func run(_ command: ShellCommand) throws -> ProcessResult {
        throw HostError(path: command.script, operation: "run", reason: "processes do not run under --root")
    }
}

/// Parent directories already resolved, so a plan over many files in one directory looks at its
/// parents once. Any change made through the host clears it: a new or removed link re-routes paths.
private final class ResolvedDirectories: Sendable {
    private let resolved = Mutex<[String: String]>([:])

    func value(for directory: String, resolving: () throws -> String) rethrows -> String {
        if let known = resolved.withLock({ $0[directory] }) { return known }
        let found = try resolving()
        resolved.withLock { $0[directory] = found }
        return found
    }

    func clear() { resolved.withLock { $0.removeAll() } }
}
