/// A list item marker found at the start of a line: `-`, `+`, `*`, or digits and `.` or `)`.
struct MarkdownListMarker {
    /// Bytes taken by the marker itself (`1.` is 2, `10)` is 3).
    var length: Int
    /// The bullet character, or the ordered list's delimiter. Items continue a list only when
    /// this is the same.
    var kind: UInt8
}
