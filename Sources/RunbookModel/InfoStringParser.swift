import RunbookMarkdown
import RunbookHost

/// Splits an info string into words, honouring quotes.
///
/// `ini file=/etc/x mode=0644 unless="ss -ltn | grep -q ':11434 '"` gives the words `ini`,
/// `file=/etc/x`, `mode=0644` and `unless=ss -ltn | grep -q ':11434 '`. Inside double quotes `\"`
/// and `\\` are escapes; single quotes are literal up to the next `'`.
public enum InfoStringParser {
    /// Works on the UTF-8 bytes: every byte it looks for is ASCII, which never occurs inside a
    /// multi-byte character. Columns in locations still count characters (Unicode scalars).
    public static func words(in text: String, at start: SourceLocation) throws -> [InfoWord] {
        let bytes = Array(text.utf8)
        let location = locator(bytes, start)
        var words: [InfoWord] = []
        var index = 0
        func string(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }

        while index < bytes.count {
            if isBlank(bytes[index]) {
                index += 1
                continue
            }
            let wordStart = index
            while index < bytes.count, bytes[index] != equals, !isBlank(bytes[index]) {
                if isQuote(bytes[index]) {
                    throw Diagnostic("unexpected quote in '\(string(wordStart..<index + 1))'", at: location(index),
                                     hint: "quotes go around a value: key=\"a value\"")
                }
                index += 1
            }
            let key = string(wordStart..<index)
            guard index < bytes.count, bytes[index] == equals else {
                words.append(InfoWord(key: key, value: nil, location: location(wordStart)))
                continue
            }
            if key.isEmpty {
                throw Diagnostic("an attribute has no name before '='", at: location(wordStart), hint: "write key=value")
            }
            index += 1
            var value: [UInt8] = []
            var valueStart = index
            if index < bytes.count, isQuote(bytes[index]) {
                valueStart = index + 1
                let quote = bytes[index]
                let quoteStart = index
                index += 1
                var closed = false
                while index < bytes.count {
                    let byte = bytes[index]
                    if byte == quote {
                        closed = true
                        index += 1
                        break
                    }
                    if quote == doubleQuote, byte == backslash, index + 1 < bytes.count,
                       bytes[index + 1] == doubleQuote || bytes[index + 1] == backslash {
                        value.append(bytes[index + 1])
                        index += 2
                        continue
                    }
                    value.append(byte)
                    index += 1
                }
                if !closed {
                    throw Diagnostic("the quoted value of '\(key)' is never closed", at: location(quoteStart),
                                     hint: "end it with \(Character(Unicode.Scalar(quote)))")
                }
                if index < bytes.count, !isBlank(bytes[index]) {
                    throw Diagnostic("unexpected text after the quoted value of '\(key)'", at: location(index),
                                     hint: "put a space between attributes")
                }
            } else {
                while index < bytes.count, !isBlank(bytes[index]) {
                    if isQuote(bytes[index]) {
                        throw Diagnostic("a quote inside the value of '\(key)'", at: location(index),
                                         hint: "quote the whole value: \(key)=\"...\"")
                    }
                    value.append(bytes[index])
                    index += 1
                }
            }
            words.append(InfoWord(key: key, value: String(decoding: value, as: UTF8.self), location: location(wordStart),
                                  valueLocation: location(valueStart)))
        }
        return words
    }

    /// The words of any info string, also of a block that is no step and follows some other
    /// tool's syntax (`js {"a": 1}`, `python title="app.py"`): split at blanks outside quotes, the
    /// key up to the first `=`. It never fails; a quote left open runs to the end. Values keep
    /// their quotes: only keys are looked at.
    package static func looseWords(in text: String, at start: SourceLocation) -> [InfoWord] {
        let bytes = Array(text.utf8)
        let location = locator(bytes, start)
        var words: [InfoWord] = []
        var index = 0
        while index < bytes.count {
            if isBlank(bytes[index]) {
                index += 1
                continue
            }
            let wordStart = index
            var openQuote: UInt8?
            var keyEnd: Int?
            while index < bytes.count, openQuote != nil || !isBlank(bytes[index]) {
                let byte = bytes[index]
                if let quote = openQuote {
                    if byte == quote {
                        openQuote = nil
                    } else if quote == doubleQuote, byte == backslash {
                        index += 1
                    }
                } else if isQuote(byte) {
                    openQuote = byte
                } else if byte == equals, keyEnd == nil {
                    keyEnd = index
                }
                index += 1
            }
            index = min(index, bytes.count)
            let key = String(decoding: bytes[wordStart..<(keyEnd ?? index)], as: UTF8.self)
            let value = keyEnd.map { String(decoding: bytes[($0 + 1)..<index], as: UTF8.self) }
            words.append(InfoWord(key: key, value: value, location: location(wordStart)))
        }
        return words
    }

    private static let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t"), equals = UInt8(ascii: "=")
    private static let doubleQuote = UInt8(ascii: "\""), singleQuote = UInt8(ascii: "'"), backslash = UInt8(ascii: "\\")

    private static func isQuote(_ byte: UInt8) -> Bool { byte == doubleQuote || byte == singleQuote }
    private static func isBlank(_ byte: UInt8) -> Bool { byte == space || byte == tab }

    /// Where the word at a byte offset starts: columns count characters (Unicode scalars).
    private static func locator(_ bytes: [UInt8], _ start: SourceLocation) -> (Int) -> SourceLocation {
        let isASCII = bytes.allSatisfy { $0 < 0x80 }
        return { offset in
            start.movedTo(column: start.column + (isASCII ? offset : bytes[..<offset].unicodeScalarCount))
        }
    }
}
