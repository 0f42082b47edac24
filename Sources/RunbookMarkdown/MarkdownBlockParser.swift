import RunbookHost

/// CommonMark's block parsing, line by line over UTF-8 bytes, as cmark does it.
///
/// For each line: the open blocks are matched against the line's prefixes (`>`, a list item's
/// indentation, a fence's indentation), new blocks are opened where the rest of the line starts
/// one, and what is left is added to the innermost block, or to an open paragraph as a lazy
/// continuation. Positions are byte offsets into the document; `column` is the virtual column
/// with tabs expanded to stops of 4, which is what indentation is measured in. The method names
/// follow cmark's `blocks.c` so the two can be compared side by side.
///
/// Headings, paragraphs and code blocks are reported; containers only shape them.
package struct MarkdownBlockParser {
    private let bytes: UnsafePointer<UInt8>
    private let count: Int
    private let start: Int

    private var elements: [MarkdownElement] = []
    private var stack: [MarkdownOpenBlock]
    /// The open paragraph's lines, each ending in "\n" (only one leaf is open at a time).
    private var paragraph: [UInt8] = []
    /// The open code block's content.
    private var code: [UInt8] = []
    private var headingText = ""
    /// Whether a block was opened on the current line.
    private var openedBlock = false

    private var line: MarkdownLine
    private var lineNumber = 0
    private var offset = 0
    private var column = 0
    private var firstNonspace = 0
    private var firstNonspaceColumn = 0
    private var indent = 0
    private var blank = false
    private var partiallyConsumedTab = false
    private var thematicBreakRuledOutBefore = 0

    private static let tabStop = 4
    private static let codeIndent = 4

    /// `bytes[start..<count]` is the document (after any byte order mark).
    package init(bytes: UnsafePointer<UInt8>, count: Int, start: Int) {
        self.bytes = bytes
        self.count = count
        self.start = start
        self.stack = [MarkdownOpenBlock(.document, line: 1)]
        self.line = MarkdownLine(bytes: bytes, start: start, end: start)
    }

    package mutating func parse() -> [MarkdownElement] {
        var position = start
        while position < count {
            let end = Self.lineEnd(in: bytes, from: position, count: count)
            processLine(MarkdownLine(bytes: bytes, start: position, end: end))
            position = end
            if position < count && bytes[position] == MarkdownByte.carriageReturn { position += 1 }
            if position < count && bytes[position] == MarkdownByte.newline { position += 1 }
        }
        while stack.count > 1 { finalizeTop() }
        return elements
    }

    /// The position of the first `\n` or `\r` at or after `position`, or `count`.
    private static func lineEnd(in bytes: UnsafePointer<UInt8>, from position: Int, count: Int) -> Int {
        var index = position
        // Eight bytes at a time: a byte is a line ending only if it is at most 0x0D, which is rare
        // in text, so most words are skipped after one test.
        while index + 8 <= count {
            let word = UnsafeRawPointer(bytes + index).loadUnaligned(as: UInt64.self)
            // Bytes below 0x0E have a high bit set in (byte - 0x0E) & ~byte.
            let low = (word &- 0x0E0E_0E0E_0E0E_0E0E) & ~word & 0x8080_8080_8080_8080
            if low != 0 { break }
            index += 8
        }
        while index < count {
            let value = bytes[index]
            if value == MarkdownByte.newline || value == MarkdownByte.carriageReturn { return index }
            index += 1
        }
        return count
    }

    // MARK: One line

    private mutating func processLine(_ line: MarkdownLine) {
        self.line = line
        lineNumber += 1
        offset = line.start
        column = 0
        firstNonspace = line.start
        thematicBreakRuledOutBefore = line.start
        blank = false
        partiallyConsumedTab = false
        openedBlock = false

        guard let (lastMatched, allMatched) = checkOpenBlocks() else { return }
        var container = lastMatched
        openNewBlocks(&container, allMatched: allMatched)
        addText(lastMatched: lastMatched)

        // A heading or thematic break never takes a second line.
        let top = stack[stack.count - 1].kind
        if top == .heading || top == .thematicBreak { finalizeTop() }
    }

    /// Matches the open blocks' prefixes; returns the innermost block that matched and whether
    /// all did, or nil when the line was a closing fence and is done.
    private mutating func checkOpenBlocks() -> (Int, Bool)? {
        var matched = 0
        var index = 1
        while index < stack.count {
            findFirstNonspace()
            let continues: Bool
            switch stack[index].kind {
            case .blockQuote:
                continues = parseBlockQuotePrefix()
            case .listItem:
                continues = parseListItemPrefix(stack[index])
            case .fencedCode:
                let block = stack[index]
                if indent <= 3, line.byte(firstNonspace) == block.fence,
                   line.closingFence(at: firstNonspace, fence: block.fence) >= block.fenceLength {
                    finalizeTop(closedByFence: true)
                    return nil
                }
                var remaining = block.fenceOffset
                while remaining > 0 && MarkdownByte.isSpaceOrTab(line.byte(offset)) {
                    advance(1, columns: true)
                    remaining -= 1
                }
                continues = true
            case .indentedCode:
                if indent >= Self.codeIndent {
                    advance(Self.codeIndent, columns: true)
                    continues = true
                } else if blank {
                    advance(firstNonspace - offset, columns: false)
                    continues = true
                } else {
                    continues = false
                }
            case .htmlBlock:
                continues = stack[index].htmlKind <= 5 || !blank
            case .paragraph:
                continues = !blank
            case .document, .list:
                continues = true
            case .heading, .thematicBreak:
                continues = false
            }
            guard continues else { return (matched, false) }
            matched = index
            index += 1
        }
        return (matched, true)
    }

    private mutating func parseBlockQuotePrefix() -> Bool {
        guard indent <= 3, line.byte(firstNonspace) == MarkdownByte.greaterThan else { return false }
        advance(indent + 1, columns: true)
        if MarkdownByte.isSpaceOrTab(line.byte(offset)) { advance(1, columns: true) }
        return true
    }

    private mutating func parseListItemPrefix(_ item: MarkdownOpenBlock) -> Bool {
        if indent >= item.markerOffset + item.padding {
            advance(item.markerOffset + item.padding, columns: true)
            return true
        }
        if blank && item.childCount > 0 {
            advance(firstNonspace - offset, columns: false)
            return true
        }
        return false
    }

    private mutating func openNewBlocks(_ container: inout Int, allMatched: Bool) {
        var maybeLazy = stack[stack.count - 1].kind == .paragraph
        var kind = stack[container].kind
        while kind != .fencedCode && kind != .indentedCode && kind != .htmlBlock {
            findFirstNonspace()
            let indented = indent >= Self.codeIndent
            let first = line.byte(firstNonspace)
            if !indented && first == MarkdownByte.greaterThan {
                advance(firstNonspace + 1 - offset, columns: false)
                if MarkdownByte.isSpaceOrTab(line.byte(offset)) { advance(1, columns: true) }
                container = addChild(container, MarkdownOpenBlock(.blockQuote, line: lineNumber))
            } else if !indented && first == MarkdownByte.hash,
                      case let length = line.atxHeadingStart(at: firstNonspace), length > 0 {
                var heading = MarkdownOpenBlock(.heading, line: lineNumber)
                while line.byte(firstNonspace + heading.level) == MarkdownByte.hash { heading.level += 1 }
                advance(firstNonspace + length - offset, columns: false)
                container = addChild(container, heading)
                headingText = ""
            } else if !indented && (first == MarkdownByte.backtick || first == MarkdownByte.tilde),
                      case let length = line.openingFence(at: firstNonspace), length > 0 {
                var fenced = MarkdownOpenBlock(.fencedCode, line: lineNumber)
                fenced.fence = first
                fenced.fenceLength = min(length, 255)
                fenced.fenceOffset = firstNonspace - offset
                fenced.lineStart = line.start
                fenced.startOffset = firstNonspace
                fenced.infoStart = firstNonspace + length
                fenced.infoEnd = line.end
                container = addChild(container, fenced)
                advance(firstNonspace + length - offset, columns: false)
            } else if !indented && first == MarkdownByte.lessThan,
                      case let htmlKind = line.htmlBlockStart(at: firstNonspace, allowingKind7: kind != .paragraph && !maybeLazy),
                      htmlKind > 0 {
                var html = MarkdownOpenBlock(.htmlBlock, line: lineNumber)
                html.htmlKind = htmlKind
                container = addChild(container, html)
            } else if !indented && kind == .paragraph && (first == MarkdownByte.equals || first == MarkdownByte.hyphen),
                      case let level = line.setextUnderline(at: firstNonspace), level > 0 {
                if resolveReferenceDefinitions() {
                    stack[container].kind = .heading
                    stack[container].level = level
                    headingText = Self.setextText(paragraph)
                    advance(line.end - offset, columns: false)
                }
            } else if !indented && !(kind == .paragraph && !allMatched) && isThematicBreak() {
                container = addChild(container, MarkdownOpenBlock(.thematicBreak, line: lineNumber))
                advance(line.end - offset, columns: false)
            } else if indent < 4, let marker = line.listMarker(at: firstNonspace, interruptsParagraph: kind == .paragraph) {
                openListItem(marker, container: &container, kind: kind)
            } else if indented && !maybeLazy && !blank {
                advance(Self.codeIndent, columns: true)
                var indentedCode = MarkdownOpenBlock(.indentedCode, line: lineNumber)
                indentedCode.lineStart = line.start
                indentedCode.startOffset = offset
                container = addChild(container, indentedCode)
            } else {
                break
            }
            let newKind = stack[container].kind
            if newKind.acceptsLines { break }
            kind = newKind
            maybeLazy = false
        }
    }

    /// A line of `* * * … x` opens a list item per marker; remembering where the last scan failed
    /// keeps each marker from rescanning the rest of the line (no break can start before it).
    private mutating func isThematicBreak() -> Bool {
        guard firstNonspace >= thematicBreakRuledOutBefore else { return false }
        if let ruledOut = line.thematicBreakRuledOut(at: firstNonspace) {
            thematicBreakRuledOutBefore = ruledOut
            return false
        }
        return true
    }

    private mutating func openListItem(_ marker: MarkdownListMarker, container: inout Int, kind: MarkdownOpenBlock.Kind) {
        let markerStart = firstNonspace
        advance(firstNonspace + marker.length - offset, columns: false)
        let savedPartiallyConsumedTab = partiallyConsumedTab
        let savedOffset = offset
        let savedColumn = column
        while column - savedColumn <= 5 && MarkdownByte.isSpaceOrTab(line.byte(offset)) {
            advance(1, columns: true)
        }
        let spaces = column - savedColumn
        var item = MarkdownOpenBlock(.listItem, line: lineNumber)
        item.markerStart = markerStart
        item.markerLength = marker.length
        if spaces >= 5 || spaces < 1 || line.isLineEnd(offset) {
            // Content indented 5 or more is indented code inside the item, which starts one
            // space after the marker.
            item.padding = marker.length + 1
            offset = savedOffset
            column = savedColumn
            partiallyConsumedTab = savedPartiallyConsumedTab
            if spaces > 0 { advance(1, columns: true) }
        } else {
            item.padding = marker.length + spaces
        }
        item.markerOffset = indent
        item.listKind = marker.kind
        if kind != .list || stack[container].listKind != marker.kind {
            var list = MarkdownOpenBlock(.list, line: lineNumber)
            list.listKind = marker.kind
            container = addChild(container, list)
        }
        container = addChild(container, item)
    }

    /// Adds what is left of the line to the innermost open block.
    private mutating func addText(lastMatched: Int) {
        findFirstNonspace()
        let tip = stack.count - 1
        if !openedBlock && tip != lastMatched && !blank && stack[tip].kind == .paragraph {
            addParagraphLine()
            return
        }
        if !openedBlock {
            while stack.count - 1 > lastMatched { finalizeTop() }
        }
        let container = stack.count - 1
        switch stack[container].kind {
        case .fencedCode:
            if stack[container].line != lineNumber { addCodeLine() }
        case .indentedCode:
            addCodeLine()
        case .htmlBlock:
            if line.endsHTMLBlock(kind: stack[container].htmlKind, from: firstNonspace) { finalizeTop() }
        default:
            if blank {
                return
            } else if stack[container].kind == .heading {
                headingText = atxHeadingText()
            } else if stack[container].kind == .paragraph {
                advance(firstNonspace - offset, columns: false)
                addParagraphLine()
            } else {
                _ = addChild(container, MarkdownOpenBlock(.paragraph, line: lineNumber))
                advance(firstNonspace - offset, columns: false)
                addParagraphLine()
            }
        }
    }

    private mutating func addChild(_ parent: Int, _ block: MarkdownOpenBlock) -> Int {
        openedBlock = true
        // A new last child closes the previous one, with everything still open inside it.
        while stack.count - 1 > parent { finalizeTop() }
        while !stack[stack.count - 1].kind.canContain(block.kind) { finalizeTop() }
        stack[stack.count - 1].childCount += 1
        stack.append(block)
        return stack.count - 1
    }

    // MARK: Content

    private mutating func addParagraphLine() {
        let spaces = consumePartiallyConsumedTab()
        Self.append(spaces: spaces, line: line, from: offset, to: &paragraph)
    }

    private mutating func addCodeLine() {
        let spaces = consumePartiallyConsumedTab()
        Self.append(spaces: spaces, line: line, from: offset, to: &code)
    }

    /// Steps over a tab that the container prefixes took only part of, and returns how many
    /// columns of it are left: those become spaces in the content.
    private mutating func consumePartiallyConsumedTab() -> Int {
        guard partiallyConsumedTab else { return 0 }
        offset += 1
        return Self.tabStop - column % Self.tabStop
    }

    private static func append(spaces: Int, line: MarkdownLine, from offset: Int, to buffer: inout [UInt8]) {
        if spaces > 0 { buffer.append(contentsOf: repeatElement(MarkdownByte.space, count: spaces)) }
        guard offset <= line.end else { return }
        buffer.append(contentsOf: UnsafeBufferPointer(start: line.bytes + offset, count: line.end - offset))
        buffer.append(MarkdownByte.newline)
    }

    /// The text of an ATX heading line: after the opening `#`s, without a closing sequence.
    private func atxHeadingText() -> String {
        var end = line.end
        while end > line.start && MarkdownByte.isWhitespace(bytes[end - 1]) { end -= 1 }
        var hashes = end - 1
        while hashes >= line.start && bytes[hashes] == MarkdownByte.hash { hashes -= 1 }
        if hashes != end - 1 && hashes >= line.start && MarkdownByte.isSpaceOrTab(bytes[hashes]) {
            end = hashes
            while end > line.start && MarkdownByte.isWhitespace(bytes[end - 1]) { end -= 1 }
        }
        guard firstNonspace < end else { return "" }
        return String(decoding: UnsafeBufferPointer(start: bytes + firstNonspace, count: end - firstNonspace), as: UTF8.self)
    }

    private static func setextText(_ content: [UInt8]) -> String {
        content.split(separator: MarkdownByte.newline)
            .map { line in
                var slice = line[...]
                while let first = slice.first, MarkdownByte.isWhitespace(first) { slice.removeFirst() }
                while let last = slice.last, MarkdownByte.isWhitespace(last) { slice.removeLast() }
                return String(decoding: slice, as: UTF8.self)
            }
            .filter { !$0.isEmpty }
            .joined(separator: " ")
    }

    /// Drops the link reference definitions that start the open paragraph; true if anything is left.
    private mutating func resolveReferenceDefinitions() -> Bool {
        if paragraph.first == MarkdownByte.openingBracket {
            let length = MarkdownLinkReferenceDefinition.prefixLength(of: paragraph)
            if length > 0 { paragraph.removeFirst(length) }
        }
        for value in paragraph {
            if value == MarkdownByte.newline || value == MarkdownByte.carriageReturn { return false }
            if !MarkdownByte.isSpaceOrTab(value) { return true }
        }
        return false
    }

    // MARK: Closing blocks

    private mutating func finalizeTop(closedByFence: Bool = false) {
        let block = stack.removeLast()
        switch block.kind {
        case .paragraph:
            if resolveReferenceDefinitions() {
                elements.append(.paragraph(paragraphElement(block)))
            } else {
                stack[stack.count - 1].childCount -= 1
            }
            paragraph.removeAll(keepingCapacity: true)
        case .heading:
            elements.append(.heading(MarkdownHeading(level: block.level, text: headingText, line: block.line)))
            paragraph.removeAll(keepingCapacity: true)
        case .fencedCode:
            elements.append(.codeBlock(fencedCodeBlock(block, isClosed: closedByFence)))
            code.removeAll(keepingCapacity: true)
        case .indentedCode:
            elements.append(.codeBlock(indentedCodeBlock(block)))
            code.removeAll(keepingCapacity: true)
        default:
            break
        }
    }

    private func paragraphElement(_ block: MarkdownOpenBlock) -> MarkdownParagraph {
        let lines = paragraph.split(separator: MarkdownByte.newline).map { line in
            var slice = line[...]
            while let first = slice.first, MarkdownByte.isWhitespace(first) { slice.removeFirst() }
            while let last = slice.last, MarkdownByte.isWhitespace(last) { slice.removeLast() }
            return String(decoding: slice, as: UTF8.self)
        }
        let parent = stack[stack.count - 1]
        let opensItem = parent.kind == .listItem && parent.childCount == 1
        let marker = opensItem ? String(decoding: UnsafeBufferPointer(start: bytes + parent.markerStart, count: parent.markerLength),
                                        as: UTF8.self) : nil
        return MarkdownParagraph(text: lines.filter { !$0.isEmpty }.joined(separator: "\n"), line: block.line, listMarker: marker)
    }

    private func fencedCodeBlock(_ block: MarkdownOpenBlock, isClosed: Bool) -> MarkdownCodeBlock {
        var infoStart = block.infoStart
        var infoEnd = block.infoEnd
        while infoStart < infoEnd && MarkdownByte.isWhitespace(bytes[infoStart]) { infoStart += 1 }
        while infoEnd > infoStart && MarkdownByte.isWhitespace(bytes[infoEnd - 1]) { infoEnd -= 1 }
        let rawInfo = UnsafeBufferPointer(start: bytes + infoStart, count: infoEnd - infoStart)
        let fenceColumn = block.startOffset - block.lineStart + 1
        let fenceLength = block.infoStart - block.startOffset
        return MarkdownCodeBlock(
            isFenced: true,
            rawInfo: String(decoding: rawInfo, as: UTF8.self),
            info: MarkdownInfoDecoder.decode(UnsafeBufferPointer(start: bytes + block.infoStart,
                                                                 count: block.infoEnd - block.infoStart)),
            body: String(decoding: code, as: UTF8.self),
            line: block.line,
            column: fenceColumn,
            infoColumn: rawInfo.isEmpty ? fenceColumn + fenceLength : infoStart - block.lineStart + 1,
            bodyLine: block.line + 1,
            isClosed: isClosed)
    }

    private func indentedCodeBlock(_ block: MarkdownOpenBlock) -> MarkdownCodeBlock {
        // Trailing blank lines belong to whatever follows, not to the code.
        var end = code.count
        while end > 0 {
            let value = code[end - 1]
            if value != MarkdownByte.space && value != MarkdownByte.tab
                && value != MarkdownByte.newline && value != MarkdownByte.carriageReturn { break }
            end -= 1
        }
        while end < code.count && code[end] != MarkdownByte.newline { end += 1 }
        let body = String(decoding: code[..<end], as: UTF8.self) + "\n"
        let column = block.startOffset - block.lineStart + 1
        return MarkdownCodeBlock(isFenced: false, rawInfo: "", info: "", body: body, line: block.line,
                                 column: column, infoColumn: column, bodyLine: block.line, isClosed: true)
    }

    // MARK: Positions

    /// Moves `offset` on by `count` bytes, or by `count` columns (a tab can then be partly
    /// consumed: `column` moves into it while `offset` stays on it).
    private mutating func advance(_ count: Int, columns: Bool) {
        var count = count
        while count > 0 {
            let value = line.byte(offset)
            if value == 0 { break }
            if value == MarkdownByte.tab {
                let toTabStop = Self.tabStop - column % Self.tabStop
                if columns {
                    partiallyConsumedTab = toTabStop > count
                    let step = min(count, toTabStop)
                    column += step
                    offset += partiallyConsumedTab ? 0 : 1
                    count -= step
                } else {
                    partiallyConsumedTab = false
                    column += toTabStop
                    offset += 1
                    count -= 1
                }
            } else {
                partiallyConsumedTab = false
                offset += 1
                column += 1
                count -= 1
            }
        }
    }

    /// Scans only when `offset` has reached the last first nonspace: each open container would
    /// otherwise rescan the same indentation, quadratic in the nesting depth.
    private mutating func findFirstNonspace() {
        defer {
            indent = firstNonspaceColumn - column
            blank = line.isLineEnd(firstNonspace)
        }
        guard firstNonspace <= offset else { return }
        var toTabStop = Self.tabStop - column % Self.tabStop
        firstNonspace = offset
        firstNonspaceColumn = column
        while true {
            let value = line.byte(firstNonspace)
            if value == MarkdownByte.space {
                firstNonspace += 1
                firstNonspaceColumn += 1
                toTabStop -= 1
                if toTabStop == 0 { toTabStop = Self.tabStop }
            } else if value == MarkdownByte.tab {
                firstNonspace += 1
                firstNonspaceColumn += toTabStop
                toTabStop = Self.tabStop
            } else {
                break
            }
        }
    }
}
