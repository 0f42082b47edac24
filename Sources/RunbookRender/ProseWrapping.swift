/// A paragraph as written, refilled to a width: its words joined with single spaces and broken
/// before the word that would pass the width. A list item's text hangs under its first word, past
/// the marker. A word wider than the line (a long path, a URL) gets a line of its own, unbroken.
///
/// ```
/// ProseWrapping.lines(of: "- `Restart=on-failure`: if Ollama exits\nwith an error", width: 24)
/// // ["- `Restart=on-failure`:", "  if Ollama exits with", "  an error"]
/// ```
package enum ProseWrapping {
    package static func lines(of paragraph: String, width: Int) -> [String] {
        let words = paragraph.split(whereSeparator: { $0 == " " || $0 == "\n" || $0 == "\t" }).map(String.init)
        guard let first = words.first else { return [] }
        let hanging = String(repeating: " ", count: startsListItem(paragraph) ? first.count + 1 : 0)
        var lines: [String] = []
        var current = ""
        for word in words {
            if current.isEmpty {
                current = (lines.isEmpty ? "" : hanging) + word
            } else if current.count + 1 + word.count <= width {
                current += " " + word
            } else {
                lines.append(current)
                current = hanging + word
            }
        }
        lines.append(current)
        return lines
    }

    /// Whether the paragraph begins with `-`, `*`, `+`, `1.` or `2)` and a space: a list item's marker.
    package static func startsListItem(_ paragraph: String) -> Bool {
        guard let space = paragraph.firstIndex(of: " ") else { return false }
        let word = paragraph[..<space]
        if word == "-" || word == "*" || word == "+" { return true }
        guard let last = word.last, last == "." || last == ")" else { return false }
        let digits = word.dropLast()
        return !digits.isEmpty && digits.count <= 9 && digits.allSatisfy(\.isASCIIDigit)
    }
}

private extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
