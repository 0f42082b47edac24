import FoundationEssentials
import Glibc

/// What is at a path, as `lstat` sees it: the facts a step compares with what it wants.
///
/// Example: after the nginx chapter, `/etc/nginx/sites-enabled/inference` is
/// `FileStatus(kind: .symlink, mode: 0o777, ..., linkTarget: "/etc/nginx/sites-available/inference")`.
public struct FileStatus: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable {
        case file, directory, symlink, other
    }

    public var kind: Kind
    /// Permission bits only (`0o644`), without the file-type bits.
    public var mode: UInt32
    public var uid: UInt32
    public var gid: UInt32
    public var size: Int64
    public var modificationTime: Double
    public var linkTarget: String?

    public init(kind: Kind, mode: UInt32, uid: UInt32 = 0, gid: UInt32 = 0, size: Int64 = 0,
                modificationTime: Double = 0, linkTarget: String? = nil) {
        self.kind = kind
        self.mode = mode
        self.uid = uid
        self.gid = gid
        self.size = size
        self.modificationTime = modificationTime
        self.linkTarget = linkTarget
    }
}

extension UInt32 {
    /// `0644`, the way operators write modes.
    public var octalMode: String {
        let digits = String(self, radix: 8)
        return String(repeating: "0", count: Swift.max(0, 4 - digits.count)) + digits
    }
}
