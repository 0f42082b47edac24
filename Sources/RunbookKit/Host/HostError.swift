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

    init(path: String, operation: String, errno code: Int32) {
        self.init(path: path, operation: operation, reason: String(cString: strerror(code)))
    }

    public var description: String { "cannot \(operation) \(path): \(reason)" }
}
