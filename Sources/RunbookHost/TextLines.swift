
extension StringProtocol {
    /// The text split at each "\n", found on the UTF-8 bytes: splitting by Character finds a
    /// grapheme boundary at every byte, which cost more than the rest of parsing a step.
    package func lines(omittingEmpty: Bool = false) -> [SubSequence] {
        let utf8 = self.utf8
        let newlines = utf8.withContiguousStorageIfAvailable { bytes in
            bytes.indices.filter { bytes[$0] == UInt8(ascii: "\n") }
        } ?? utf8.enumerated().filter { $0.element == UInt8(ascii: "\n") }.map(\.offset)
        var lines: [SubSequence] = []
        lines.reserveCapacity(newlines.count + 1)
        var start = 0
        for end in newlines + [utf8.count] {
            if end > start || !omittingEmpty {
                lines.append(self[utf8.index(utf8.startIndex, offsetBy: start)..<utf8.index(utf8.startIndex, offsetBy: end)])
            }
            start = end + 1
        }
        return lines
    }
}

extension Sequence<UInt8> {
    /// How many Unicode scalars these UTF-8 bytes hold: columns in messages count scalars.
    package var unicodeScalarCount: Int { reduce(0) { $1 & 0xC0 == 0x80 ? $0 : $0 + 1 } }
}
