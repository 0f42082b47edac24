import Glibc
import RunbookMarkdown
import RunbookHost

/// A variable's `pattern=`: a POSIX extended regular expression, the syntax of `grep -E`, that
/// the whole value must match. The C library compiles it; runbook never sets a locale, so it
/// works on bytes.
package struct ValuePattern {
    package let source: String

    package init(source: String) {
        self.source = source
    }

    /// Why the pattern is refused, or nil when it compiles.
    package var compileError: String? {
        if let problem = refusedBeforeCompiling { return problem }
        var expression = regex_t()
        let status = regcomp(&expression, source, REG_EXTENDED)
        guard status != 0 else {
            regfree(&expression)
            return nil
        }
        var message = [CChar](repeating: 0, count: 256)
        regerror(status, &expression, &message, message.count)
        return String(decoding: message.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// How far repetition may expand the pattern, in bytes of pattern text: the C library copies
    /// a repeated part once per count (`a{1000}` is a thousand copies, and every stacked `+`
    /// doubles what it follows), and a fuzzed `t+++…+` with 70 pluses took it past 2 GiB.
    private static let expansionLimit = 1 << 16

    private static let pcreEscapes = Set("dDnrtfvexXpPuUhHRKNzZAG".utf8)

    /// What is refused before the C library sees the pattern: PCRE escapes, which it would read as
    /// plain letters, so that a pattern written for PCRE would quietly refuse good values (GNU's
    /// `\w \W \s \S \b \B` are kept); and repetition that would expand beyond reason.
    private var refusedBeforeCompiling: String? {
        let bytes = Array(source.utf8)
        var expansion = 1
        var index = 0
        var inBracket = false
        func byte(_ offset: Int) -> UInt8? { offset < bytes.count ? bytes[offset] : nil }
        while index < bytes.count {
            let current = bytes[index]
            if current == UInt8(ascii: "\\"), let next = byte(index + 1), Self.pcreEscapes.contains(next) {
                let letter = String(UnicodeScalar(next))
                return "\\\(letter) is PCRE, not POSIX, which reads it as a plain '\(letter)'; "
                    + "write a bracket expression such as [0-9] for \\d, or the character itself"
            }
            if inBracket {
                if current == UInt8(ascii: "["), let next = byte(index + 1), ":.=".utf8.contains(next) {
                    // A class like [:alpha:] runs to its own closing ":]".
                    while index + 1 < bytes.count, !(bytes[index] == next && bytes[index + 1] == UInt8(ascii: "]")) { index += 1 }
                    index += 1
                } else if current == UInt8(ascii: "]") {
                    inBracket = false
                }
                index += 1
                continue
            }
            switch current {
            case UInt8(ascii: "\\"):
                index += 1
            case UInt8(ascii: "["):
                inBracket = true
                // A "]" first in the list (after an optional "^") is a member, not the end.
                if byte(index + 1) == UInt8(ascii: "^") { index += 1 }
                if byte(index + 1) == UInt8(ascii: "]") { index += 1 }
            case UInt8(ascii: "+"):
                expansion *= 2
            case UInt8(ascii: "{"):
                var largest = 0, number = 0
                while let digit = byte(index + 1), digit == UInt8(ascii: ",") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(digit) {
                    index += 1
                    number = digit == UInt8(ascii: ",") ? 0 : min(number * 10 + Int(digit - UInt8(ascii: "0")), Self.expansionLimit)
                    largest = max(largest, number)
                }
                expansion *= largest + 1
            default:
                break
            }
            if expansion * bytes.count > Self.expansionLimit {
                return "its repetitions would expand it beyond \(Self.expansionLimit) bytes (each count in {n} copies what it "
                    + "repeats, each stacked + doubles it); write it with fewer or smaller repetitions"
            }
            index += 1
        }
        return nil
    }

    /// Whether the whole of `value` matches; false for a pattern that does not compile. By
    /// POSIX's leftmost-longest rule the match found at the start is the longest one there, so
    /// it covers the value exactly when any match does.
    package func matchesWhole(_ value: String) -> Bool {
        guard refusedBeforeCompiling == nil else { return false }
        var expression = regex_t()
        guard regcomp(&expression, source, REG_EXTENDED) == 0 else { return false }
        defer { regfree(&expression) }
        var match = regmatch_t()
        guard regexec(&expression, value, 1, &match, 0) == 0 else { return false }
        return match.rm_so == 0 && Int(match.rm_eo) == value.utf8.count
    }
}
