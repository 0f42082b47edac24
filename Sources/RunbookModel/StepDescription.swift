import RunbookMarkdown
import RunbookHost

/// What the loader knows of one step kind: the marker that names it, and the words it takes.
///
/// `http-check` is the marker `check` in a block whose language word is `http`; `file` is the
/// marker `file=PATH` with `mode`, `owner`, `group`, `notify`, `validate` and `timeout`.
public struct StepDescription: Sendable {
    public var kind: StepKind
    public var marker: String
    /// `file=PATH` takes a value (`PATH`); `run` is a flag (nil).
    public var markerValue: String?
    /// The marker names this kind only in a block of this language (`http` for an http check).
    public var language: String?
    /// The attributes it takes besides its marker, `id` and `when` included.
    public var attributes: Set<String>
    /// The attributes among them that are flags, taking no value.
    public var flags: Set<String>
    /// One line for the documentation's table of kinds.
    public var purpose: String
    /// The marker's value is a place on the server that a reader following the chapter by hand
    /// must be told in the prose: GitHub shows a fence's language word and nothing more.
    public var placeNamedInProse: Bool

    public init(kind: StepKind, marker: String, markerValue: String?, language: String? = nil,
                attributes: Set<String>, flags: Set<String> = [], purpose: String, placeNamedInProse: Bool = false) {
        self.kind = kind
        self.marker = marker
        self.markerValue = markerValue
        self.language = language
        self.attributes = attributes.union(["id", "when"])
        self.flags = flags
        self.purpose = purpose
        self.placeNamedInProse = placeNamedInProse
    }

    public var markerTakesValue: Bool { markerValue != nil }

    /// How the marker is written: `file=PATH`, `run`.
    public var usage: String { markerValue.map { "\(marker)=\($0)" } ?? marker }

    /// `vars`: variable declarations, which the model reads itself.
    package static let vars = StepDescription(kind: .vars, marker: "vars", markerValue: nil, attributes: [],
                                      purpose: "variable declarations, one per line")
}
