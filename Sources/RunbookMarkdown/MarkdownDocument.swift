import RunbookHost

/// What a runbook needs from one Markdown file: its headings, paragraphs and code blocks, in
/// document order.
///
/// Everything else (lists, block quotes, HTML) is read only to get the block structure right,
/// exactly as CommonMark does. For
///
/// ````markdown
/// # Bind Ollama to localhost
///
/// ```ini file=/etc/ollama.conf mode=0644
/// [Service]
/// ```
/// ````
///
/// ``MarkdownScanner/scan(_:)`` gives a level-1 heading on line 1 and a closed fenced code
/// block on line 3 whose `info` is `ini file=/etc/ollama.conf mode=0644` and whose body is
/// `"[Service]\n"`.
public struct MarkdownDocument: Sendable {
    public var elements: [MarkdownElement]

    public init(elements: [MarkdownElement]) {
        self.elements = elements
    }

    /// The headings alone, in order.
    public var headings: [MarkdownHeading] {
        elements.compactMap { if case .heading(let heading) = $0 { heading } else { nil } }
    }

    /// The paragraphs alone, in order.
    public var paragraphs: [MarkdownParagraph] {
        elements.compactMap { if case .paragraph(let paragraph) = $0 { paragraph } else { nil } }
    }

    /// The code blocks alone (fenced and indented), in order.
    public var codeBlocks: [MarkdownCodeBlock] {
        elements.compactMap { if case .codeBlock(let block) = $0 { block } else { nil } }
    }
}

/// One block of a ``MarkdownDocument`` that a runbook cares about.
public enum MarkdownElement: Sendable {
    case heading(MarkdownHeading)
    case paragraph(MarkdownParagraph)
    case codeBlock(MarkdownCodeBlock)
}

/// A paragraph: the prose a reader reads, as written (inline Markdown is not interpreted).
public struct MarkdownParagraph: Sendable, Equatable {
    /// The paragraph's lines, each trimmed of the blanks around it, joined with `"\n"`; container
    /// prefixes (`>`, a list item's indentation) and link reference definitions are not part of it.
    public var text: String
    /// The 1-based line it starts on (that of the link reference definitions it began with, if any).
    public var line: Int
    /// The list item marker as written (`-`, `*`, `1.`, `2)`), when the paragraph is the first
    /// block of a list item: without it a list reads as loose sentences.
    public var listMarker: String?

    public init(text: String, line: Int, listMarker: String? = nil) {
        self.text = text
        self.line = line
        self.listMarker = listMarker
    }
}

/// An ATX (`## Title`) or setext (`Title` over `-----`) heading.
public struct MarkdownHeading: Sendable, Equatable {
    /// 1 to 6; a setext heading is 1 (`===`) or 2 (`---`).
    public var level: Int
    /// The raw inline content, trimmed; an ATX heading's closing `#`s are removed and the lines
    /// of a setext heading are joined with a space. Inline Markdown is not interpreted.
    public var text: String
    /// The 1-based line of the heading's first line.
    public var line: Int

    public init(level: Int, text: String, line: Int) {
        self.level = level
        self.text = text
        self.line = line
    }
}

/// A fenced or indented code block, with its content exactly as CommonMark reads it.
public struct MarkdownCodeBlock: Sendable, Equatable {
    public var isFenced: Bool
    /// The info string as written, trimmed, with no escape or entity decoding (`""` for an
    /// indented block). This is what runbook steps are read from.
    public var rawInfo: String
    /// The info string decoded as CommonMark does: entities (`&amp;`, `&#65;`) and backslash
    /// escapes. This is what a Markdown renderer shows as the language.
    public var info: String
    /// The literal content: container prefixes and fence indentation removed, partly consumed
    /// tabs turned into spaces, every line ending in `"\n"` (CRLF and CR included).
    public var body: String
    /// The 1-based line of the opening fence, or of the first line of an indented block.
    public var line: Int
    /// The 1-based column of the first fence character (of the first content character for an
    /// indented block). Columns count Unicode scalars; a tab is one column.
    public var column: Int
    /// The 1-based column where `rawInfo` starts on the fence line (just past the fence when
    /// there is no info).
    public var infoColumn: Int
    /// The 1-based line of the body's first line.
    public var bodyLine: Int
    /// False when a fenced block runs to the end of the document or of its container (a block
    /// quote or list item) instead of ending at a closing fence. Always true for indented blocks.
    public var isClosed: Bool

    public init(isFenced: Bool, rawInfo: String, info: String, body: String, line: Int, column: Int,
                infoColumn: Int, bodyLine: Int, isClosed: Bool) {
        self.isFenced = isFenced
        self.rawInfo = rawInfo
        self.info = info
        self.body = body
        self.line = line
        self.column = column
        self.infoColumn = infoColumn
        self.bodyLine = bodyLine
        self.isClosed = isClosed
    }
}
