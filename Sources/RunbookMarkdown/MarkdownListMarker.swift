import RunbookHost

/// A list item marker found at the start of a line: `-`, `+`, `*`, or digits and `.` or `)`.
package struct MarkdownListMarker {
    /// Bytes taken by the marker itself (`1.` is 2, `10)` is 3).
    package var length: Int
    /// The bullet character, or the ordered list's delimiter. Items continue a list only when
    /// this is the same.
    package var kind: UInt8
}
