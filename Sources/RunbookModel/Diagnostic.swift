import RunbookMarkdown
import RunbookHost

/// A problem with the runbook or its input, pointing at where it was written.
///
/// Rendered as `FILE:LINE:COL: error: MESSAGE (HINT)`, for example
/// `Runbook/01-bind-localhost.md:31:1: error: run step has no guard (add creates=PATH, unless=CMD or onlyif=CMD, or say always)`.
public struct Diagnostic: Error, Sendable, Hashable, Codable, CustomStringConvertible {
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

    /// Where it points, as the message begins: `FILE:LINE:COL`, the origin, or just `runbook`.
    public var place: String { location?.description ?? origin ?? "runbook" }

    public var description: String {
        let suffix = hint.map { " (\($0))" } ?? ""
        return "\(place): error: \(message)\(suffix)"
    }
}

/// Several problems found at once; `runbook check` reports them all.
public struct Diagnostics: Error, Sendable, CustomStringConvertible {
    public var items: [Diagnostic]

    public init(_ items: [Diagnostic]) { self.items = items }

    /// The problems `error` carries, when it is one diagnostic or several.
    public init?(_ error: any Error) {
        switch error {
        case let many as Diagnostics: self = many
        case let one as Diagnostic: items = [one]
        default: return nil
        }
    }

    public var description: String { items.map(\.description).joined(separator: "\n") }
}

/// Collects problems so that one pass can report every one of them.
package struct DiagnosticCollector {
    package private(set) var items: [Diagnostic] = []

    package init(_ items: [Diagnostic] = []) { self.items = items }

    package mutating func record(_ diagnostic: Diagnostic) { items.append(diagnostic) }

    package mutating func record(contentsOf diagnostics: [Diagnostic]) { items += diagnostics }

    /// Runs `body`, recording its diagnostics instead of stopping; returns nil when it failed.
    package mutating func attempt<T>(_ body: () throws -> T) throws -> T? {
        do {
            return try body()
        } catch {
            guard let problems = Diagnostics(error) else { throw error }
            items += problems.items
            return nil
        }
    }

    /// Throws them in the order of the runbook (by file, line and column; problems with a flag
    /// last), each once: several layers can meet the same problem.
    package func throwIfAny() throws {
        guard !items.isEmpty else { return }
        var seen: Set<Diagnostic> = []
        let unique = items.filter { seen.insert($0).inserted }
        let located = unique.filter { $0.location != nil }.enumerated().sorted { a, b in
            let (x, y) = (a.element.location!, b.element.location!)
            if x.file != y.file { return x.file.utf8.lexicographicallyPrecedes(y.file.utf8) }
            return (x.line, x.column, a.offset) < (y.line, y.column, b.offset)
        }.map(\.element)
        throw Diagnostics(located + unique.filter { $0.location == nil })
    }
}

extension Diagnostic {
    /// A word as a message may repeat it: what follows an `=` may be a secret and is left out,
    /// and control characters never reach the terminal.
    package static func shown(_ word: String, quoted: Bool = true) -> String {
        var visible = word
        if let equals = word.firstIndex(of: "=") { visible = String(word[...equals]) + "…" }
        let printable = visible.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : String($0) }.joined()
        let short = printable.count > 60 ? printable.prefix(60) + "…" : printable
        return quoted ? "'" + short + "'" : short
    }
}
