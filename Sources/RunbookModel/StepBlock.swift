import RunbookMarkdown
import RunbookHost

/// A fenced code block that is a step, before variables are applied: what the author wrote.
///
/// From `01-bind-localhost.md`:
/// ```` ```ini file=/etc/systemd/system/ollama.service.d/10-bind-localhost.conf notify=restart-ollama ````
/// is a `StepBlock` with kind `.file`, id `01-bind-localhost/1`, the heading it sits under, and
/// the attributes in the order written.
public struct StepBlock: Sendable {
    public var kind: StepKind
    public var id: String
    public var chapter: String
    public var language: String
    public var words: [InfoWord]
    public var body: String
    /// The opening fence.
    public var location: SourceLocation
    /// The body's first line, for errors inside the body.
    public var bodyLocation: SourceLocation
    public var heading: String?
    /// The paragraphs between the heading and the block, as written (Markdown not rendered), a
    /// list item's first paragraph with its marker: what a reader reads before the step.
    public var prose: [String]
    /// The chapter's lines, to find where each body line starts when an error needs it.
    package var sourceLines: SourceLines

    /// The source column of each body line's first character: container prefixes and fence
    /// indentation are not part of the body, but errors must point at the source.
    public var bodyColumns: [Int] {
        body.lines().enumerated().map { offset, bodyLine in
            sourceLines.column(ofSuffix: bodyLine.utf8, onLine: bodyLocation.line + offset) ?? bodyLocation.column
        }
    }

    /// The block as written in the chapter, from its opening fence to its closing one, container
    /// prefixes included: what `--step` shows a reader who asks for the source.
    public var source: String {
        let closingFence = bodyLocation.line + body.lines().count - 1
        return (location.line...min(closingFence, sourceLines.count)).map { String(sourceLines.line($0)) }.joined(separator: "\n")
    }

    public func word(_ key: String) -> InfoWord? { words.first { $0.key == key } }
    public func value(_ key: String) -> String? { word(key)?.value }
    public func has(_ flag: String) -> Bool { word(flag) != nil }
}
