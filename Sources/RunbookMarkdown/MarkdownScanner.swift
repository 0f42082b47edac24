import FoundationEssentials
import Glibc
import RunbookHost

/// Lists the headings and code blocks of a Markdown document, with the block structure exactly as
/// CommonMark (and its reference implementation, cmark) reads it.
///
/// Only block structure is parsed: which lines are headings and which are code, through block
/// quotes, lists, HTML blocks and lazy continuation lines. Inline Markdown is left as written.
///
/// ````swift
/// let document = MarkdownScanner.scan("""
///     ## Listen on loopback only
///
///     > ```ini file=/etc/x.conf
///     > [Service]
///     > ```
///     """)
/// // document.elements: a level-2 heading "Listen on loopback only" on line 1, then a closed
/// // fenced block on line 3, column 3, rawInfo "ini file=/etc/x.conf", body "[Service]\n".
/// ````
///
/// Lines end at `\n`, `\r\n` or a lone `\r`; a leading byte order mark is skipped and NUL
/// characters read as U+FFFD, as in cmark. The scan works on UTF-8 bytes and is linear in the
/// size of the document.
public enum MarkdownScanner {
    public static func scan(_ text: String) -> MarkdownDocument {
        var text = text
        let elements = text.withUTF8 { utf8 -> [MarkdownElement] in
            guard let base = utf8.baseAddress, utf8.count > 0 else { return [] }
            if memchr(base, 0, utf8.count) != nil {
                var replaced: [UInt8] = []
                replaced.reserveCapacity(utf8.count + 16)
                for value in utf8 {
                    if value == 0 { replaced.append(contentsOf: [0xEF, 0xBF, 0xBD]) } else { replaced.append(value) }
                }
                return replaced.withUnsafeBufferPointer { scan($0.baseAddress!, count: $0.count) }
            }
            return scan(base, count: utf8.count)
        }
        return MarkdownDocument(elements: elements)
    }

    private static func scan(_ bytes: UnsafePointer<UInt8>, count: Int) -> [MarkdownElement] {
        let hasByteOrderMark = count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF
        var parser = MarkdownBlockParser(bytes: bytes, count: count, start: hasByteOrderMark ? 3 : 0)
        return parser.parse()
    }
}
