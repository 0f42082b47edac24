import RunbookModel
import RunbookHost

/// How much of a secret-holding file changes, without showing any of it.
public struct WithheldDiff: Sendable, Equatable, Codable {
    public var linesRemoved: Int
    public var linesAdded: Int

    /// How its sentence begins, which a fleet's plans are compared by.
    public static let marker = "content of a file holding a secret, not shown: "

    /// "content of a file holding a secret, not shown: 1 line removed, 1 added; sha256 ab12… → cd34…"
    public func sentence(oldSHA256: String?, newSHA256: String?) -> String {
        let hash = { (hex: String?) in hex.map { String($0.prefix(12)) } ?? "(none)" }
        return Self.marker + "\(linesRemoved) line\(linesRemoved == 1 ? "" : "s") removed, "
            + "\(linesAdded) added; sha256 \(hash(oldSHA256)) → \(hash(newSHA256))"
    }
}
