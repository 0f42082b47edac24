import RunbookHost

/// A block the scanner still has open: the document, a container (block quote, list, list item)
/// or the leaf that lines are being added to.
///
/// Open blocks form a chain from the document down (only a block's last child can be open), so
/// the scanner keeps them as a stack. Each kind uses only some of the fields.
package struct MarkdownOpenBlock {
    package enum Kind {
        case document, blockQuote, list, listItem
        case paragraph, heading, thematicBreak, fencedCode, indentedCode, htmlBlock

        /// Leaves that take the rest of the line as text, so no other block can start inside them.
        package var acceptsLines: Bool {
            switch self {
            case .paragraph, .heading, .fencedCode, .indentedCode: true
            default: false
            }
        }

        package func canContain(_ child: Kind) -> Bool {
            switch self {
            case .document, .blockQuote, .listItem: true
            case .list: child == .listItem
            default: false
            }
        }
    }

    package var kind: Kind
    /// The 1-based line the block starts on.
    package var line: Int
    /// How many children the block has (a list item left empty on its first line ends at the
    /// first blank line).
    package var childCount = 0

    /// A list's and its items' bullet character or ordered delimiter.
    package var listKind: UInt8 = 0
    /// A list item's content column: the marker's indentation plus its width and padding.
    package var markerOffset = 0
    package var padding = 0
    /// Where a list item's marker starts (a byte offset into the document) and its length, for
    /// its first paragraph to show it.
    package var markerStart = 0
    package var markerLength = 0

    /// A fenced code block's fence character and length, and how far the fence was indented
    /// (that many spaces are removed from each content line).
    package var fence: UInt8 = 0
    package var fenceLength = 0
    package var fenceOffset = 0
    /// Where a code block's first line starts, and where on it the fence (or an indented
    /// block's content) starts: byte offsets into the document, which give the block's column.
    package var lineStart = 0
    package var startOffset = 0
    /// The rest of the opening fence's line: the info string before trimming.
    package var infoStart = 0
    package var infoEnd = 0

    /// Which of the seven kinds of HTML block this is (they end differently).
    package var htmlKind = 0

    /// A heading's level.
    package var level = 0

    package init(_ kind: Kind, line: Int) {
        self.kind = kind
        self.line = line
    }
}
