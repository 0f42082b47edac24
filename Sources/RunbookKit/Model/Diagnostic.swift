/// A problem with the runbook or its input, pointing at where it was written.
///
/// Rendered as `FILE:LINE:COL: error: MESSAGE (HINT)`, for example
/// `Runbook/01-bind-localhost.md:31:1: error: run step has no guard (add creates=PATH, unless=CMD or onlyif=CMD, or say always)`.
public struct Diagnostic: Error, Sendable, Hashable, CustomStringConvertible {
    public var location: SourceLocation?
    /// Where the input came from when it is not a file, like `--var tls=none`.
    public var origin: String?
    public var message: String
    public var hint: String?

    public init(_ message: String, at location: SourceLocation, hint: String? = nil) {
        self.location = location
        self.message = message
        self.hint = hint
    }

    public init(_ message: String, origin: String, hint: String? = nil) {
        self.origin = origin
        self.message = message
        self.hint = hint
    }

    public var description: String {
        let place = location?.description ?? origin ?? "runbook"
        let suffix = hint.map { " (\($0))" } ?? ""
        return "\(place): error: \(message)\(suffix)"
    }
}

/// Several problems found at once; `runbook check` reports them all.
public struct Diagnostics: Error, Sendable, CustomStringConvertible {
    public var items: [Diagnostic]

    public init(_ items: [Diagnostic]) { self.items = items }

    public var description: String { items.map(\.description).joined(separator: "\n") }
}

/// Collects problems so that one pass can report every one of them.
struct DiagnosticCollector {
    private(set) var items: [Diagnostic] = []

    mutating func record(_ diagnostic: Diagnostic) { items.append(diagnostic) }

    /// Runs `body`, recording its diagnostics instead of stopping; returns nil when it failed.
    mutating func attempt<T>(_ body: () throws -> T) throws -> T? {
        do {
            return try body()
        } catch let diagnostic as Diagnostic {
            items.append(diagnostic)
        } catch let many as Diagnostics {
            items.append(contentsOf: many.items)
        }
        return nil
    }

    func throwIfAny() throws {
        if !items.isEmpty { throw Diagnostics(items) }
    }
}
