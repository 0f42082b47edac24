import Glibc
import RunbookMarkdown
import RunbookHost

/// The lines of a chapter's text, found once on its UTF-8 bytes, for the checks that look at the
/// source around a block: where a fence sits, what a body line was stripped of.
package struct SourceLines: Sendable {
    package let text: String
    private let bytes: [UInt8]
    /// The byte offset where each line starts, and the end of the text last.
    private let starts: [Int]

    package init(_ text: String) {
        self.text = text
        let bytes = Array(text.utf8)
        var starts: [Int] = [0]
        starts.reserveCapacity(bytes.count / 40 + 2)
        bytes.withUnsafeBufferPointer { buffer in
            guard let base = buffer.baseAddress else { return }
            var offset = 0
            while offset < buffer.count, let newline = memchr(base + offset, 0x0A, buffer.count - offset) {
                offset = UnsafeRawPointer(newline) - UnsafeRawPointer(base) + 1
                starts.append(offset)
            }
        }
        starts.append(bytes.count)
        self.bytes = bytes
        self.starts = starts
    }

    package var count: Int { starts.count - 1 }

    /// The bytes of line `number` (1-based), without its line ending.
    package func lineBytes(_ number: Int) -> ArraySlice<UInt8> {
        let start = starts[number - 1]
        var end = starts[number]
        if end > start, bytes[end - 1] == 0x0A { end -= 1 }
        return bytes[start..<end]
    }

    /// Line `number` (1-based) without its line ending.
    package func line(_ number: Int) -> Substring {
        let range = lineBytes(number)
        let utf8 = text.utf8
        return text[utf8.index(utf8.startIndex, offsetBy: range.startIndex)..<utf8.index(utf8.startIndex, offsetBy: range.endIndex)]
    }

    /// Whether anything but white space follows line `number`.
    package func hasText(after number: Int) -> Bool {
        guard number < count else { return false }
        return bytes[starts[number]...].contains { $0 != 0x20 && $0 != 0x0A && $0 != 0x09 }
    }

    /// The column (counting characters) at which `suffix` starts on line `number`, if the line ends with it.
    package func column(ofSuffix suffix: Substring.UTF8View, onLine number: Int) -> Int? {
        guard number >= 1, number <= count else { return nil }
        let line = lineBytes(number)
        let length = suffix.count
        guard line.count >= length, line.suffix(length).elementsEqual(suffix) else { return nil }
        return 1 + line.dropLast(length).unicodeScalarCount
    }
}
