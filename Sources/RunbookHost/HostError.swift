import FoundationEssentials
import Glibc

/// A failure at the OS boundary, carrying the path as the operator knows it (not the `--root` path).
public struct HostError: Error, Sendable, Equatable, CustomStringConvertible {
    public var path: String
    public var operation: String
    public var reason: String
    /// What the operator can do about it, when there is something specific.
    public var hint: String?

    public init(path: String, operation: String, reason: String, hint: String? = nil) {
        self.path = path
        self.operation = operation
        self.reason = reason
        self.hint = hint
    }

    /// ELOOP comes from opening a name without following it (O_NOFOLLOW) when the name is a link:
    /// said plainly, with what to do, since the message may be all the operator sees.
    package init(path: String, operation: String, errno code: Int32) {
        let reason = code == ELOOP ? "it is a symbolic link, which runbook does not follow there; remove the link, or put the real file in its place"
            : String(cString: strerror(code))
        self.init(path: path, operation: operation, reason: reason)
    }

    public var description: String { "cannot \(operation) \(path): \(reason)" }
}
