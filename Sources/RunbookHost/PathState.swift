import FoundationEssentials
import Glibc

/// What was at a path at one moment, as a snapshot records it: the kind, mode, owner, the
/// content's SHA-256 (the content itself is a blob) or the link's target.
public struct PathState: Sendable, Codable, Equatable {
    public enum Kind: String, Sendable, Codable { case absent, file, directory, symlink, other }

    public var kind: Kind
    public var mode: UInt32?
    public var uid: UInt32?
    public var gid: UInt32?
    public var sha256: String?
    public var linkTarget: String?

    package init(kind: Kind, mode: UInt32? = nil, uid: UInt32? = nil, gid: UInt32? = nil, sha256: String? = nil, linkTarget: String? = nil) {
        self.kind = kind
        self.mode = mode
        self.uid = uid
        self.gid = gid
        self.sha256 = sha256
        self.linkTarget = linkTarget
    }

    public static let absent = PathState(kind: .absent)

    /// Observes `path` on `host`; returns the state and, for a file, its content.
    public static func observe(_ path: String, on host: any Host) throws -> (PathState, Data?) {
        guard let status = try host.status(path) else { return (.absent, nil) }
        let content = status.kind == .file ? try host.read(path) : nil
        return (PathState(status, sha256: content.map(SHA256.hex)), content)
    }

    /// Equal in everything the runbook manages; ownership only where the host manages it.
    public func matches(_ other: PathState, comparingOwnership: Bool) -> Bool {
        guard kind == other.kind, sha256 == other.sha256, linkTarget == other.linkTarget else { return false }
        if kind != .symlink, mode != other.mode { return false }
        if comparingOwnership, uid != other.uid || gid != other.gid { return false }
        return true
    }

    public var summary: String {
        switch kind {
        case .absent: "absent"
        case .file: "file, mode \(mode?.octalMode ?? "?"), sha256 \(sha256?.prefix(12) ?? "?")"
        case .directory: "directory, mode \(mode?.octalMode ?? "?")"
        case .symlink: "link -> \(linkTarget ?? "?")"
        case .other: "special file"
        }
    }
}

// In an extension, so that the memberwise initialiser stays.
extension PathState {
    /// What a status shows, with the content's hash for a file (nil when it is not known yet).
    package init(_ status: FileStatus, sha256: String?) {
        switch status.kind {
        case .file: self.init(kind: .file, mode: status.mode, uid: status.uid, gid: status.gid, sha256: sha256)
        case .directory: self.init(kind: .directory, mode: status.mode, uid: status.uid, gid: status.gid)
        case .symlink: self.init(kind: .symlink, uid: status.uid, gid: status.gid, linkTarget: status.linkTarget)
        case .other: self.init(kind: .other, mode: status.mode, uid: status.uid, gid: status.gid)
        }
    }
}
