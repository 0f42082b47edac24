import RunbookMarkdown
import RunbookHost

/// A chapter read as far as it goes: the steps and declarations without errors, every error,
/// and what the blocks with errors may have declared.
public struct ParsedChapter: Sendable {
    /// nil when the chapter is not text at all (not UTF-8, a BOM, CRLF line endings).
    public var chapter: Chapter?
    public var problems: [Diagnostic]
    public var unsure: UnsureNames
}
