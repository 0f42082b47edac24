import Glibc

/// A variable's `pattern=`: a POSIX extended regular expression, the syntax of `grep -E`, that
/// the whole value must match. The C library compiles it; runbook never sets a locale, so it
/// works on bytes.
struct ValuePattern {
    let source: String

    /// Why the pattern is refused (in the C library's words, except for `\d`), or nil when it compiles.
    var compileError: String? {
        // The C library reads `\d` as a plain `d`: a pattern written for PCRE would then quietly
        // refuse every digit.
        var escaped = false
        for byte in source.utf8 {
            if escaped, byte == UInt8(ascii: "d") || byte == UInt8(ascii: "D") {
                return "\\d and \\D are not POSIX; write [0-9] or [^0-9]"
            }
            escaped = !escaped && byte == UInt8(ascii: "\\")
        }
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

    /// Whether the whole of `value` matches; false for a pattern that does not compile. By
    /// POSIX's leftmost-longest rule the match found at the start is the longest one there, so
    /// it covers the value exactly when any match does.
    func matchesWhole(_ value: String) -> Bool {
        var expression = regex_t()
        guard regcomp(&expression, source, REG_EXTENDED) == 0 else { return false }
        defer { regfree(&expression) }
        var match = regmatch_t()
        guard regexec(&expression, value, 1, &match, 0) == 0 else { return false }
        return match.rm_so == 0 && Int(match.rm_eo) == value.utf8.count
    }
}
