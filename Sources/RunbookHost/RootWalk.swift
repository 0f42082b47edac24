import FoundationEssentials
import Glibc

/// Resolves a target path under a `--root` directory through directory descriptors.
///
/// Each component is opened with `openat(parent, name, O_PATH|O_DIRECTORY|O_NOFOLLOW)`; a link is
/// read with `readlinkat` and followed here, the way a `chroot` would (an absolute target means
/// `ROOT/...`), never by the kernel. `..` goes back to the directory opened before, so nothing
/// outside the root is ever named. A directory swapped for a link while a walk runs either was
/// opened already (the walk keeps the real directory) or is seen as a link and followed inside
/// the root. The operation that follows works on the parent's descriptor with the `*at` calls.
package struct RootWalk: Sendable {
    /// The root without a trailing slash; empty for `/`.
    package let root: String

    package struct Resolved: Sendable {
        package let entry: DirectoryEntry
        /// The resolved components under the root, the last one unfollowed unless asked.
        package let components: [String]
        /// Set when a directory on the way (with `pastMissing`), or the last component when it is
        /// followed, is missing or is not a directory.
        package var missing: HostErrno? = nil
    }

    /// `path` as a directory, its last link followed: its descriptor, or what stopped the walk.
    package func directory(_ path: String, reportedAs displayPath: String? = nil) throws -> Resolved {
        try resolve(path, followingLast: true, pastMissing: true, reportedAs: displayPath)
    }

    /// The parent directory of `path` (opened) and its last name; with `followingLast`, a last
    /// component that is a link is followed too. Throws ``HostErrno`` when a directory on the way
    /// is missing or is a file (unless `pastMissing`: then the rest of the path, where no link can
    /// be, is taken as written), and ``HostError`` when the path leaves the root.
    package func resolve(_ path: String, followingLast: Bool, pastMissing: Bool = false, reportedAs displayPath: String? = nil) throws -> Resolved {
        let displayPath = displayPath ?? path
        guard path.hasPrefix("/") else {
            throw HostError(path: displayPath, operation: "use", reason: "the path is not absolute")
        }
        guard let rootDirectory = try DirectoryHandle.open(root.isEmpty ? "/" : root, displayPath: displayPath) else {
            throw HostError(path: displayPath, operation: "use", reason: "the --root directory \(root) is gone")
        }
        var opened: [(handle: DirectoryHandle, name: String)] = []
        var pending = path.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        var linksFollowed = 0
        while !pending.isEmpty {
            let component = pending.removeFirst()
            switch component {
            case ".": continue
            case "..":
                guard !opened.isEmpty else {
                    throw HostError(path: displayPath, operation: "use", reason: "it climbs out of the --root directory with '..'",
                                    hint: "write the path without '..'")
                }
                opened.removeLast()
                continue
            default: break
            }
            let current = opened.last?.handle ?? rootDirectory
            let isLast = pending.isEmpty
            let here = DirectoryEntry(directory: current, name: component, displayPath: displayPath)
            if isLast && !followingLast {
                return Resolved(entry: here, components: opened.map(\.name) + [component])
            }
            let failure: HostErrno
            switch current.openDirectory(component) {
            case .success(let directory):
                opened.append((directory, component))
                continue
            case .failure(let code): failure = code
            }
            guard failure.code == ENOTDIR, let target = current.linkTarget(component) else {
                // The last name may be a file, or missing: the operation itself says what that means.
                if (isLast || pastMissing) && failure.isMissing {
                    return Resolved(entry: here, components: opened.map(\.name) + Self.lexical([component] + pending), missing: failure)
                }
                throw failure
            }
            linksFollowed += 1
            guard linksFollowed <= 40 else {
                throw HostError(path: displayPath, operation: "use", reason: "too many levels of symbolic links",
                                hint: "the links under the --root directory form a loop; fix or remove one of them")
            }
            let targetComponents = target.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
            if target.hasPrefix("/") {
                opened = []
            } else {
                var depth = opened.count
                for part in targetComponents {
                    if part == ".." { depth -= 1 } else if part != "." { depth += 1 }
                    if depth < 0 {
                        throw HostError(path: displayPath, operation: "use",
                                        reason: "the link \(([""] + opened.map(\.name) + [component]).joined(separator: "/")) -> \(target) escapes the --root directory",
                                        hint: "make the link point inside the --root directory, or remove it")
                    }
                }
            }
            pending = targetComponents + pending
        }
        // The path names a directory itself (`/`, or it ends in `.` or `..`, or its last link was followed to one).
        return Resolved(entry: DirectoryEntry(directory: opened.last?.handle ?? rootDirectory, name: ".", displayPath: displayPath),
                        components: opened.map(\.name))
    }

    /// Components as written, `.` dropped and `..` taken back (below a missing directory, where
    /// nothing can be a link).
    private static func lexical(_ components: [String]) -> [String] {
        var result: [String] = []
        for component in components where component != "." {
            if component == ".." { _ = result.popLast() } else { result.append(component) }
        }
        return result
    }
}
