/// The lines of a chapter's text, found once on its UTF-8 bytes, for the checks that look at the
/// source around a block: where a fence sits, what a body line was stripped of.
struct SourceLines {
    let text: String
    /// The start of each line, and the end of the text last.
    private var starts: [String.Index] = []

    init(_ text: String) {
        self.text = text
        let utf8 = text.utf8
        starts.reserveCapacity(utf8.count / 40 + 2)
        starts.append(utf8.startIndex)
        var index = utf8.startIndex
        while let newline = utf8[index...].firstIndex(of: UInt8(ascii: "\n")) {
            index = utf8.index(after: newline)
            starts.append(index)
        }
        starts.append(utf8.endIndex)
    }

    var count: Int { starts.count - 1 }

    /// Line `number` (1-based) without its line ending.
    func line(_ number: Int) -> Substring {
        let start = starts[number - 1]
        var end = starts[number]
        if end > start, text.utf8[text.utf8.index(before: end)] == UInt8(ascii: "\n") { end = text.utf8.index(before: end) }
        return text[start..<end]
    }

    /// Whether anything but white space follows line `number`.
    func hasText(after number: Int) -> Bool {
        guard number < count else { return false }
        return text.utf8[starts[number]...].contains { $0 != 0x20 && $0 != 0x0A && $0 != 0x09 }
    }

    /// The column (counting characters) at which `suffix` starts on line `number`, if the line ends with it.
    func column(ofSuffix suffix: Substring, onLine number: Int) -> Int? {
        guard number >= 1, number <= count else { return nil }
        let line = self.line(number).utf8
        let length = suffix.utf8.count
        guard line.count >= length, line.suffix(length).elementsEqual(suffix.utf8) else { return nil }
        return 1 + line.dropLast(length).reduce(0) { $1 & 0xC0 == 0x80 ? $0 : $0 + 1 }
    }
}
