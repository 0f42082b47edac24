import RunbookHost

/// Recognises link reference definitions (`[label]: /url "title"`) at the start of a paragraph.
///
/// The scanner needs them for one thing only: a paragraph made of nothing but definitions is no
/// paragraph, so it cannot become a setext heading, and a list item that held only one has no
/// content. The rules (and their quirks) are cmark's. For the paragraph
/// `[a]: /url\n[b]: <x y> 'T'\nText\n`, `prefixLength` is the length of the first two lines.
package enum MarkdownLinkReferenceDefinition {
    /// How many bytes at the start of `content` (a paragraph's lines, each ending in `"\n"`) are
    /// link reference definitions.
    package static func prefixLength(of content: [UInt8]) -> Int {
        content.withUnsafeBufferPointer { text in
            var total = 0
            while total < text.count, text[total] == MarkdownByte.openingBracket,
                  let length = definitionLength(in: text, from: total) {
                total += length
            }
            return total
        }
    }

    private static func definitionLength(in text: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        guard var index = labelEnd(in: text, from: start) else { return nil }
        guard index < text.count, text[index] == MarkdownByte.colon else { return nil }
        index = skipSpacesAndOneNewline(in: text, from: index + 1)
        guard let destinationLength = destinationLength(in: text, from: index) else { return nil }
        index += destinationLength
        let beforeTitle = index
        index = skipSpacesAndOneNewline(in: text, from: index)
        let titleLength = index == beforeTitle ? 0 : titleLength(in: text, from: index)
        index = titleLength > 0 ? index + titleLength : beforeTitle
        if let end = lineEnd(in: text, from: index) { return end - start }
        guard titleLength > 0, let end = lineEnd(in: text, from: beforeTitle) else { return nil }
        return end - start
    }

    /// The position after `[label]`, for a label that is not blank, has no unescaped brackets and
    /// is at most 1000 characters long.
    private static func labelEnd(in text: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var index = start + 1
        var length = 0
        while index < text.count, text[index] != MarkdownByte.openingBracket, text[index] != MarkdownByte.closingBracket {
            if text[index] == MarkdownByte.backslash {
                index += 1
                length += 1
                if index < text.count, MarkdownByte.isPunctuation(text[index]) {
                    index += 1
                    length += 1
                }
            } else {
                index += 1
                length += 1
            }
            if length > 1000 { return nil }
        }
        guard index < text.count, text[index] == MarkdownByte.closingBracket else { return nil }
        guard (start + 1..<index).contains(where: { !MarkdownByte.isWhitespace(text[$0]) }) else { return nil }
        return index + 1
    }

    /// `<...>` on one line, or a run of non-whitespace with balanced parentheses.
    private static func destinationLength(in text: UnsafeBufferPointer<UInt8>, from start: Int) -> Int? {
        var index = start
        if index < text.count, text[index] == MarkdownByte.lessThan {
            index += 1
            while index < text.count {
                let value = text[index]
                if value == MarkdownByte.greaterThan {
                    index += 1
                    break
                } else if value == MarkdownByte.backslash {
                    index += 2
                } else if value == MarkdownByte.newline || value == MarkdownByte.lessThan {
                    return nil
                } else {
                    index += 1
                }
            }
            return index >= text.count ? nil : index - start
        }
        var depth = 0
        while index < text.count {
            let value = text[index]
            if value == MarkdownByte.backslash, index + 1 < text.count, MarkdownByte.isPunctuation(text[index + 1]) {
                index += 2
            } else if value == MarkdownByte.openingParenthesis {
                depth += 1
                index += 1
                if depth > 32 { return nil }
            } else if value == MarkdownByte.closingParenthesis {
                if depth == 0 { break }
                depth -= 1
                index += 1
            } else if MarkdownByte.isWhitespace(value) {
                if index == start { return nil }
                break
            } else {
                index += 1
            }
        }
        return index >= text.count || depth != 0 ? nil : index - start
    }

    /// The length of a title in `"..."`, `'...'` or `(...)` (the longest that fits), or 0.
    private static func titleLength(in text: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        guard start < text.count else { return 0 }
        let opening = text[start]
        let closing: UInt8
        switch opening {
        case MarkdownByte.doubleQuote, MarkdownByte.singleQuote: closing = opening
        case MarkdownByte.openingParenthesis: closing = MarkdownByte.closingParenthesis
        default: return 0
        }
        // A delimiter inside the title must follow a backslash; the last one that could close the
        // title is where the longest match ends.
        var lastClosing = -1
        var index = start + 1
        while index < text.count {
            let value = text[index]
            let isEscapable = text[index - 1] == MarkdownByte.backslash && index - 1 > start
            if value == closing {
                lastClosing = index
                if !isEscapable { break }
            } else if opening == MarkdownByte.openingParenthesis, value == MarkdownByte.openingParenthesis, !isEscapable {
                break
            }
            index += 1
        }
        return lastClosing < 0 ? 0 : lastClosing + 1 - start
    }

    private static func skipSpacesAndOneNewline(in text: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var index = skipSpaces(in: text, from: start)
        if let afterLineEnd = lineEnd(in: text, from: index, skippingSpaces: false) {
            index = skipSpaces(in: text, from: afterLineEnd)
        }
        return index
    }

    private static func skipSpaces(in text: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var index = start
        while index < text.count, MarkdownByte.isSpaceOrTab(text[index]) { index += 1 }
        return index
    }

    /// The position after optional spaces and a line ending (or at the end of the text), or nil
    /// when something else comes first.
    private static func lineEnd(in text: UnsafeBufferPointer<UInt8>, from start: Int, skippingSpaces: Bool = true) -> Int? {
        var index = skippingSpaces ? skipSpaces(in: text, from: start) : start
        var sawLineEnd = false
        if index < text.count, text[index] == MarkdownByte.carriageReturn {
            index += 1
            sawLineEnd = true
        }
        if index < text.count, text[index] == MarkdownByte.newline {
            index += 1
            sawLineEnd = true
        }
        return sawLineEnd || index >= text.count ? index : nil
    }
}
