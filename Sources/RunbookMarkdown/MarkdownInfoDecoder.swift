import RunbookHost

/// Decodes a code fence's info string the way cmark does: entity references first, then the
/// surrounding whitespace is trimmed, then backslash escapes are removed.
///
/// ```` ```sh a\_b &amp; &#65; &bogus; ```` decodes to `sh a_b & A &bogus;`. Because entities
/// go first, `\&amp;` gives `&` and `&#92;*` gives `*`, as in cmark (the spec would keep
/// `&amp;` and `\*`). Runbook steps never use this form: they read the raw info string.
package enum MarkdownInfoDecoder {
    package static func decode(_ raw: UnsafeBufferPointer<UInt8>) -> String {
        var decoded: [UInt8] = []
        decoded.reserveCapacity(raw.count)
        var index = 0
        while index < raw.count {
            let value = raw[index]
            index += 1
            guard value == MarkdownByte.ampersand else {
                decoded.append(value)
                continue
            }
            let consumed = appendEntity(UnsafeBufferPointer(rebasing: raw[index...]), to: &decoded)
            if consumed == 0 { decoded.append(value) }
            index += consumed
        }
        var start = 0
        var end = decoded.count
        while start < end && MarkdownByte.isWhitespace(decoded[start]) { start += 1 }
        while end > start && MarkdownByte.isWhitespace(decoded[end - 1]) { end -= 1 }
        var unescaped: [UInt8] = []
        unescaped.reserveCapacity(end - start)
        var position = start
        while position < end {
            if decoded[position] == MarkdownByte.backslash, position + 1 < end,
               MarkdownByte.isPunctuation(decoded[position + 1]) {
                position += 1
            }
            unescaped.append(decoded[position])
            position += 1
        }
        return String(decoding: unescaped, as: UTF8.self)
    }

    /// Decodes the entity whose text (after `&`) starts `text`, and returns how many bytes it
    /// took, or 0 when `text` starts no entity: `#` and 1 to 7 digits, `#x` and 1 to 6 hex digits,
    /// or an HTML5 entity name, each ended by `;`.
    private static func appendEntity(_ text: UnsafeBufferPointer<UInt8>, to output: inout [UInt8]) -> Int {
        let size = text.count
        if size >= 3 && text[0] == MarkdownByte.hash {
            var codepoint: UInt32 = 0
            var index: Int
            let digits: Int
            let maximumDigits: Int
            if MarkdownByte.isDigit(text[1]) {
                index = 1
                while index < size && MarkdownByte.isDigit(text[index]) {
                    codepoint = min(codepoint * 10 + UInt32(text[index] - MarkdownByte.zero), 0x110000)
                    index += 1
                }
                digits = index - 1
                maximumDigits = 7
            } else if text[1] == 0x78 || text[1] == 0x58 {
                index = 2
                while index < size && MarkdownByte.isHexDigit(text[index]) {
                    let value = text[index]
                    let digit = MarkdownByte.isDigit(value) ? value - MarkdownByte.zero : (value | 0x20) - 0x61 + 10
                    codepoint = min(codepoint * 16 + UInt32(digit), 0x110000)
                    index += 1
                }
                digits = index - 2
                maximumDigits = 6
            } else {
                return 0
            }
            guard digits >= 1, digits <= maximumDigits, index < size, text[index] == MarkdownByte.semicolon else {
                return 0
            }
            let scalar = codepoint == 0 ? nil : Unicode.Scalar(codepoint)
            output.append(contentsOf: String(scalar ?? "\u{FFFD}").utf8)
            return index + 1
        }
        let limit = min(size, 32)
        var index = 2
        while index < limit {
            if text[index] == MarkdownByte.space { return 0 }
            if text[index] == MarkdownByte.semicolon {
                guard let value = HTMLEntities.bytes(named: UnsafeBufferPointer(rebasing: text[..<index])) else { return 0 }
                output.append(contentsOf: value)
                return index + 1
            }
            index += 1
        }
        return 0
    }
}
