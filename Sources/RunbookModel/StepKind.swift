import RunbookMarkdown
import RunbookHost

/// The kind of step a code block is, by the marker word in its info string: `file`, `run`,
/// `http-check`, … The kinds are not listed here: each is declared by its step definition, and
/// reaches the loader through a ``StepVocabulary``.
public struct StepKind: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }

    /// The two kinds the model itself reads: `vars` blocks declare its variables, and `notify=`
    /// names handlers.
    public static let vars = StepKind("vars")
    public static let handler = StepKind("handler")

    /// `http check` for `http-check`: how plans and messages name the kind.
    public var displayName: String { rawValue.replacingEvery("-", with: " ") }
    public var description: String { rawValue }
}
