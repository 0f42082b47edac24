import FoundationEssentials
import Glibc
import RunbookModel
import RunbookHost

/// One change to the target system that a step asks for. The applier carries changes out,
/// snapshotting each path before it is touched; steps never change anything themselves.
public enum Change: Sendable, Equatable {
    case makeDirectory(path: String, mode: UInt32)
    case writeFile(path: String, content: Data, mode: UInt32)
    case setMode(path: String, mode: UInt32)
    case setOwner(path: String, uid: UInt32, gid: UInt32)
    /// Replaces whatever is at `path` (a link, a file) with a link.
    case makeLink(path: String, target: String)
    /// Removes a file, a link, or a directory with everything in it.
    case remove(path: String)
    case installPackages([String])
    /// Runs a script. `makes` is what it says it makes (its `creates=` and `makes=` paths), recorded
    /// so that a rollback removes it, or puts back what was there.
    case runScript(ShellCommand, makes: [String])

    /// The same change with its path rewritten by `resolve`.
    package func resolved(_ resolve: (String) throws -> String) rethrows -> Change {
        switch self {
        case .makeDirectory(let path, let mode): .makeDirectory(path: try resolve(path), mode: mode)
        case .writeFile(let path, let content, let mode): .writeFile(path: try resolve(path), content: content, mode: mode)
        case .setMode(let path, let mode): .setMode(path: try resolve(path), mode: mode)
        case .setOwner(let path, let uid, let gid): .setOwner(path: try resolve(path), uid: uid, gid: gid)
        case .makeLink(let path, let target): .makeLink(path: try resolve(path), target: target)
        case .remove(let path): .remove(path: try resolve(path))
        case .installPackages, .runScript: self
        }
    }

    /// What the target must be able to do for this change to be made there: ``TargetPolicy``
    /// skips what it cannot.
    public var needs: TargetCapabilities {
        switch self {
        case .installPackages, .runScript: .processes
        case .setOwner: .ownership
        case .makeDirectory, .writeFile, .setMode, .makeLink, .remove: []
        }
    }

    /// The path whose prior state must be recorded before this change, if it touches one.
    public var path: String? {
        switch self {
        case .makeDirectory(let path, _), .writeFile(let path, _, _), .setMode(let path, _), .setOwner(let path, _, _),
             .makeLink(let path, _), .remove(let path):
            path
        case .installPackages, .runScript:
            nil
        }
    }
}
