import RunbookHost

/// One line of a document being scanned, as UTF-8 bytes, with the recognisers for the block starts
/// CommonMark allows on it.
///
/// Every recogniser takes the byte position to look at (usually the line's first non-space after
/// its container prefixes). As in cmark, the line's ending reads as a single `"\n"`, whatever it
/// was in the file, and anything past it reads as 0. For the line `  ```sh run` starting at
/// position 0, `openingFence(at: 2)` is 3: three backticks, and the info string follows them.
package struct MarkdownLine {
    /// The whole document; the line is `bytes[start..<end]`.
    package let bytes: UnsafePointer<UInt8>
    package let start: Int
    /// Where the line ending (or the end of the document) is.
    package let end: Int

    @inline(__always)
    package func byte(_ index: Int) -> UInt8 {
        if index < end { return bytes[index] }
        return index == end ? MarkdownByte.newline : 0
    }

    /// A line ending, as the scanner sees it (the virtual `"\n"` at `end`).
    @inline(__always)
    package func isLineEnd(_ index: Int) -> Bool {
        let value = byte(index)
        return value == MarkdownByte.newline || value == MarkdownByte.carriageReturn
    }

    // MARK: Leaf blocks

    /// The length of an ATX heading opener (`#` to `######`, then spaces or the line end; the
    /// spaces are part of the length), or 0.
    package func atxHeadingStart(at position: Int) -> Int {
        var index = position
        while byte(index) == MarkdownByte.hash { index += 1 }
        let hashes = index - position
        guard hashes >= 1, hashes <= 6 else { return 0 }
        if isLineEnd(index) { return hashes + 1 }
        guard MarkdownByte.isSpaceOrTab(byte(index)) else { return 0 }
        while MarkdownByte.isSpaceOrTab(byte(index)) { index += 1 }
        return index - position
    }

    /// The number of fence characters of an opening code fence (3 or more backticks or tildes; a
    /// backtick fence's info string may not contain a backtick), or 0.
    package func openingFence(at position: Int) -> Int {
        let fence = byte(position)
        guard fence == MarkdownByte.backtick || fence == MarkdownByte.tilde else { return 0 }
        var index = position
        while byte(index) == fence { index += 1 }
        let length = index - position
        guard length >= 3 else { return 0 }
        if fence == MarkdownByte.backtick {
            while index < end {
                if bytes[index] == MarkdownByte.backtick { return 0 }
                index += 1
            }
        }
        return length
    }

    /// The number of fence characters of a closing fence made of `fence` (then only spaces and
    /// tabs), or 0. Whether it is long enough is the caller's question.
    package func closingFence(at position: Int, fence: UInt8) -> Int {
        var index = position
        while byte(index) == fence { index += 1 }
        let length = index - position
        guard length >= 3 else { return 0 }
        while MarkdownByte.isSpaceOrTab(byte(index)) { index += 1 }
        return isLineEnd(index) ? length : 0
    }

    /// 1 for a `===` underline, 2 for `---`, 0 otherwise.
    package func setextUnderline(at position: Int) -> Int {
        let marker = byte(position)
        let level = marker == MarkdownByte.equals ? 1 : marker == MarkdownByte.hyphen ? 2 : 0
        guard level != 0 else { return 0 }
        var index = position
        while byte(index) == marker { index += 1 }
        while MarkdownByte.isSpaceOrTab(byte(index)) { index += 1 }
        return isLineEnd(index) ? level : 0
    }

    /// Nil when three or more `*`, `-` or `_` (the same one), with only spaces and tabs between and
    /// after, start at `position`; otherwise where the scan stopped: no break starts before it,
    /// since every byte up to it is that marker or a space.
    package func thematicBreakRuledOut(at position: Int) -> Int? {
        let marker = byte(position)
        guard marker == MarkdownByte.asterisk || marker == MarkdownByte.hyphen || marker == MarkdownByte.underscore else {
            return position + 1
        }
        var index = position
        var count = 0
        while true {
            let value = byte(index)
            if value == marker {
                count += 1
            } else if !MarkdownByte.isSpaceOrTab(value) {
                break
            }
            index += 1
        }
        return count >= 3 && isLineEnd(index) ? nil : max(index, position + 1)
    }

    /// A list item marker (`-`, `+`, `*`, `1.`, `1)`) followed by whitespace or the line end.
    ///
    /// A marker that would interrupt a paragraph must have content after it, and an ordered one
    /// must start at 1.
    package func listMarker(at position: Int, interruptsParagraph: Bool) -> MarkdownListMarker? {
        let first = byte(position)
        var index = position
        let kind: UInt8
        if first == MarkdownByte.asterisk || first == MarkdownByte.hyphen || first == MarkdownByte.plus {
            index += 1
            kind = first
        } else if MarkdownByte.isDigit(first) {
            var start = 0
            var digits = 0
            repeat {
                start = start * 10 + Int(byte(index) - MarkdownByte.zero)
                index += 1
                digits += 1
            } while digits < 9 && MarkdownByte.isDigit(byte(index))
            if interruptsParagraph && start != 1 { return nil }
            let delimiter = byte(index)
            guard delimiter == MarkdownByte.period || delimiter == MarkdownByte.closingParenthesis else { return nil }
            index += 1
            kind = delimiter
        } else {
            return nil
        }
        guard MarkdownByte.isWhitespace(byte(index)) else { return nil }
        if interruptsParagraph {
            var next = index
            while MarkdownByte.isSpaceOrTab(byte(next)) { next += 1 }
            if isLineEnd(next) { return nil }
        }
        return MarkdownListMarker(length: index - position, kind: kind)
    }

    // MARK: HTML blocks

    /// The kind (1 to 7) of HTML block that starts at `position`, or 0. Kind 7 (any other
    /// complete tag alone on its line) is considered only when `allowingKind7`, because it cannot
    /// interrupt a paragraph.
    package func htmlBlockStart(at position: Int, allowingKind7: Bool) -> Int {
        guard byte(position) == MarkdownByte.lessThan else { return 0 }
        let next = byte(position + 1)
        if next == MarkdownByte.exclamation {
            if matches("!--", at: position + 1) { return 2 }
            // cmark 0.30 takes only an uppercase letter here (`<!DOCTYPE`), though the spec says any.
            if byte(position + 2) &- 0x41 < 26 { return 4 }
            if matches("![cdata[", at: position + 1) { return 5 }
            return 0
        }
        if next == MarkdownByte.question { return 3 }
        for name in Self.rawTextTags where matches(name, at: position + 1) {
            let after = byte(position + 1 + name.utf8CodeUnitCount)
            if MarkdownByte.isWhitespace(after) || after == MarkdownByte.greaterThan { return 1 }
        }
        var nameStart = position + 1
        if byte(nameStart) == MarkdownByte.slash { nameStart += 1 }
        var nameEnd = nameStart
        while MarkdownByte.isLetter(byte(nameEnd)) || MarkdownByte.isDigit(byte(nameEnd)) { nameEnd += 1 }
        if nameEnd > nameStart, nameEnd - nameStart <= 10 {
            let name = String(decoding: (nameStart..<nameEnd).map { MarkdownByte.lowercased(bytes[$0]) }, as: UTF8.self)
            if Self.blockTagNames.contains(name) {
                let after = byte(nameEnd)
                if MarkdownByte.isWhitespace(after) || after == MarkdownByte.greaterThan
                    || (after == MarkdownByte.slash && byte(nameEnd + 1) == MarkdownByte.greaterThan) {
                    return 6
                }
            }
        }
        if allowingKind7, let tagEnd = completeTagEnd(at: position) {
            var index = tagEnd
            while MarkdownByte.isSpaceOrTab(byte(index)) || byte(index) == MarkdownByte.formFeed { index += 1 }
            if isLineEnd(index) { return 7 }
        }
        return 0
    }

    /// Whether the line, from `position` on, holds the end condition of an HTML block of `kind`.
    /// Kinds 6 and 7 end at a blank line instead, so they never end here.
    package func endsHTMLBlock(kind: Int, from position: Int) -> Bool {
        switch kind {
        case 1:
            var index = position
            while index + 1 < end {
                if bytes[index] == MarkdownByte.lessThan && bytes[index + 1] == MarkdownByte.slash {
                    for name in Self.rawTextClosingTags where matches(name, at: index + 2) {
                        return true
                    }
                }
                index += 1
            }
            return false
        case 2: return contains("-->", from: position)
        case 3: return contains("?>", from: position)
        case 4: return contains(">", from: position)
        case 5: return contains("]]>", from: position)
        default: return false
        }
    }

    /// The position just past an open tag (`<name attr="v">`) or closing tag (`</name>`) at
    /// `position`, or nil.
    private func completeTagEnd(at position: Int) -> Int? {
        var index = position + 1
        let isClosing = byte(index) == MarkdownByte.slash
        if isClosing { index += 1 }
        guard MarkdownByte.isLetter(byte(index)) else { return nil }
        while MarkdownByte.isLetter(byte(index)) || MarkdownByte.isDigit(byte(index)) || byte(index) == MarkdownByte.hyphen { index += 1 }
        if isClosing {
            while MarkdownByte.isWhitespace(byte(index)) { index += 1 }
            return byte(index) == MarkdownByte.greaterThan ? index + 1 : nil
        }
        while true {
            var attribute = index
            while MarkdownByte.isWhitespace(byte(attribute)) { attribute += 1 }
            guard attribute > index, Self.isAttributeNameStart(byte(attribute)) else { break }
            attribute += 1
            while Self.isAttributeNameCharacter(byte(attribute)) { attribute += 1 }
            index = attribute
            var value = attribute
            while MarkdownByte.isWhitespace(byte(value)) { value += 1 }
            guard byte(value) == MarkdownByte.equals else { continue }
            value += 1
            while MarkdownByte.isWhitespace(byte(value)) { value += 1 }
            let quote = byte(value)
            if quote == MarkdownByte.doubleQuote || quote == MarkdownByte.singleQuote {
                var closing = value + 1
                while closing < end && bytes[closing] != quote { closing += 1 }
                guard closing < end else { continue }
                index = closing + 1
            } else {
                var unquoted = value
                while unquoted < end && Self.isUnquotedValueCharacter(bytes[unquoted]) { unquoted += 1 }
                guard unquoted > value else { continue }
                index = unquoted
            }
        }
        while MarkdownByte.isWhitespace(byte(index)) { index += 1 }
        if byte(index) == MarkdownByte.slash { index += 1 }
        return byte(index) == MarkdownByte.greaterThan ? index + 1 : nil
    }

    // MARK: Helpers

    /// Whether `pattern` (lowercase ASCII) is at `position`, ignoring the case of letters.
    package func matches(_ pattern: StaticString, at position: Int) -> Bool {
        var index = position
        for expected in UnsafeBufferPointer(start: pattern.utf8Start, count: pattern.utf8CodeUnitCount) {
            guard MarkdownByte.lowercased(byte(index)) == expected else { return false }
            index += 1
        }
        return true
    }

    private func contains(_ pattern: StaticString, from position: Int) -> Bool {
        let count = pattern.utf8CodeUnitCount
        var index = position
        while index + count <= end {
            if matches(pattern, at: index) { return true }
            index += 1
        }
        return false
    }

    private static func isAttributeNameStart(_ value: UInt8) -> Bool {
        MarkdownByte.isLetter(value) || value == MarkdownByte.underscore || value == MarkdownByte.colon
    }

    private static func isAttributeNameCharacter(_ value: UInt8) -> Bool {
        isAttributeNameStart(value) || MarkdownByte.isDigit(value) || value == MarkdownByte.period || value == MarkdownByte.hyphen
    }

    private static func isUnquotedValueCharacter(_ value: UInt8) -> Bool {
        switch value {
        case 0, MarkdownByte.space, MarkdownByte.tab, MarkdownByte.newline, MarkdownByte.carriageReturn, MarkdownByte.verticalTab, MarkdownByte.formFeed,
             MarkdownByte.doubleQuote, MarkdownByte.singleQuote, MarkdownByte.equals, MarkdownByte.lessThan, MarkdownByte.greaterThan, MarkdownByte.backtick:
            return false
        default:
            return true
        }
    }

    /// The tags whose content is raw text: they start an HTML block of kind 1, which runs to the
    /// matching closing tag even across blank lines.
    private static let rawTextTags: [StaticString] = ["script", "pre", "style", "textarea"]
    private static let rawTextClosingTags: [StaticString] = ["script>", "pre>", "style>", "textarea>"]

    /// The tags that start an HTML block of kind 6 (CommonMark 0.30, as cmark 0.30 has them).
    private static let blockTagNames: Set<String> = [
        "address", "article", "aside", "base", "basefont", "blockquote", "body", "caption", "center", "col",
        "colgroup", "dd", "details", "dialog", "dir", "div", "dl", "dt", "fieldset", "figcaption", "figure",
        "footer", "form", "frame", "frameset", "h1", "h2", "h3", "h4", "h5", "h6", "head", "header", "hr",
        "html", "iframe", "legend", "li", "link", "main", "menu", "menuitem", "nav", "noframes", "ol",
        "optgroup", "option", "p", "param", "section", "source", "summary", "table", "tbody", "td", "tfoot",
        "th", "thead", "title", "tr", "track", "ul",
    ]
}
