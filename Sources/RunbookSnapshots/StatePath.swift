import FoundationEssentials
import Glibc
import RunbookModel
import RunbookHost

/// Where the state directory is and how to reach it: a path on the machine runbook runs on
/// (`--state-dir DIR`, or `/var/lib/runbook`), or, by default under `--root`, the target path
/// `/var/lib/runbook` resolved inside the root like every target path.
public struct StatePath: Sendable, CustomStringConvertible {
    package enum Location: Sendable {
        case machine(String)
        case insideRoot(RootedHost, target: String)
    }

    package static let defaultTarget = "/var/lib/runbook"

    package let location: Location
    /// What diagnostics name as the source of the path: the flag, or the default it came from.
    package let origin: String

    /// The state directory a command uses: `--state-dir` when given, else the default for its host.
    public init(flag: String?, host: any Host) {
        if let flag {
            location = .machine(flag)
            origin = "--state-dir \(flag)"
        } else if let rooted = host as? RootedHost {
            location = .insideRoot(rooted, target: Self.defaultTarget)
            origin = "\(rooted.displayName) (state directory \(Self.defaultTarget) under it)"
        } else {
            location = .machine(Self.defaultTarget)
            origin = "\(Self.defaultTarget) (the default --state-dir)"
        }
    }

    package init(path: String) {
        location = .machine(path)
        origin = "--state-dir \(path)"
    }

    public var description: String {
        switch location {
        case .machine(let path): path
        case .insideRoot(let host, let target): host.root + target
        }
    }

    package func file(_ name: String) -> String { description + "/" + name }

    /// The target path of the state directory, when it is one (under `--root`, by default).
    package var targetPath: String? {
        if case .insideRoot(_, let target) = location { return target }
        return nil
    }

    /// Its physical path, to compare with the paths steps manage; nil when it cannot be resolved.
    package var realPath: String? {
        switch location {
        case .machine(let path): try? LiveHost().realPath(path)
        case .insideRoot(let host, let target): try? LiveHost().realPath(host.realPath(target))
        }
    }

    /// The directory that holds the state directory (opened) and its name in it, or nil when that
    /// directory is missing and not `creating`; with `creating`, missing directories are made.
    package func parent(creating: Bool) throws -> (directory: DirectoryHandle, name: String)? {
        switch location {
        case .machine(let path):
            guard path.parentDirectory != path else {
                throw Diagnostic("the state directory cannot be /", origin: origin, hint: "pass --state-dir with a directory of its own")
            }
            // A relative --state-dir is relative to the working directory.
            let parent = path.parentDirectory.isEmpty ? "." : path.parentDirectory
            if let directory = try DirectoryHandle.open(parent, displayPath: path) {
                return (directory, path.baseName)
            }
            guard creating else { return nil }
            try FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
            return try DirectoryHandle.open(parent, displayPath: path).map { ($0, path.baseName) }
        case .insideRoot(let host, let target):
            do {
                do {
                    return try resolvedParent(host, target)
                } catch let missing as HostErrno where missing.isMissing && creating {
                    var ancestors: [String] = []
                    var directory = target.parentDirectory
                    while directory != "/" {
                        ancestors.insert(directory, at: 0)
                        directory = directory.parentDirectory
                    }
                    for ancestor in ancestors where try host.status(ancestor) == nil {
                        try host.makeDirectory(ancestor, mode: 0o755)
                    }
                    return try resolvedParent(host, target)
                }
            } catch let missing as HostErrno where missing.isMissing {
                return nil
            } catch let failure as HostError {
                throw Diagnostic("cannot use the state directory \(target) under \(host.displayName): \(failure.reason)", origin: origin,
                                 hint: (failure.hint.map { $0 + "; " } ?? "") + "or pass --state-dir with a directory outside the root")
            }
        }
    }

    private func resolvedParent(_ host: RootedHost, _ target: String) throws -> (directory: DirectoryHandle, name: String) {
        let entry = try host.walk.resolve(target, followingLast: false).entry
        return (entry.directory, entry.name)
    }
}
