import FoundationEssentials
import Glibc

/// Reads a runbook folder: every `*.md` file in file-name order, its headings and step blocks.
///
/// Loading only reads the runbook; it never looks at the target system. Problems in every
/// chapter are collected and thrown together as ``Diagnostics``.
public struct RunbookLoader {
    /// How the runbook's directory is written in messages (`Runbook`, as the operator typed it).
    public var displayDirectory: String

    public init(displayDirectory: String) {
        self.displayDirectory = displayDirectory
    }

    public func load(directory: String) throws -> Runbook {
        guard isDirectory(directory) else {
            throw Diagnostic("no runbook folder at \(displayDirectory)", origin: "--runbook \(displayDirectory)",
                             hint: "pass --runbook DIR, or run from the folder that holds Runbook/")
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { $0.hasSuffix(".md") && !$0.hasPrefix(".") }
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        guard !names.isEmpty else {
            throw Diagnostic("the runbook folder has no Markdown chapters", origin: "--runbook \(displayDirectory)",
                             hint: "chapters are *.md files, run in file-name order")
        }
        var collector = DiagnosticCollector()
        var chapters: [Chapter] = []
        for name in names {
            let displayFile = displayDirectory.isEmpty ? name : "\(displayDirectory)/\(name)"
            let data = try Data(contentsOf: URL(fileURLWithPath: directory).appendingPathComponent(name))
            if let chapter = try collector.attempt({ try parseChapter(data: data, name: name, file: displayFile) }) {
                chapters.append(chapter)
            }
        }
        try collector.throwIfAny()
        return Runbook(directory: directory, chapters: chapters)
    }

    public func parseChapter(data: Data, name: String, file: String) throws -> Chapter {
        let text = try Self.decodeUTF8(data, file: file)
        try Self.refuseAmbiguousText(data, file: file)
        let document = MarkdownScanner.scan(text)
        let lines = SourceLines(text)
        let chapterName = String(name.dropLast(3))
        var title: String?
        var heading: String?
        var steps: [StepBlock] = []
        var variables: [VariableDeclaration] = []
        var collector = DiagnosticCollector()
        for element in document.elements {
            switch element {
            case .heading(let found):
                heading = found.text
                if title == nil { title = found.text }
            case .codeBlock(let block):
                guard block.isFenced else {
                    if let first = block.body.lines(omittingEmpty: true).first,
                       let info = first.trimmingBlanks().firstFenceInfo,
                       (try? Self.classify(info, at: SourceLocation(file: file, line: block.line)))?.2 != nil {
                        collector.record(Diagnostic("this step is indented four or more columns, so Markdown shows it as plain text and it would never run",
                                                    at: SourceLocation(file: file, line: block.line, column: block.column),
                                                    hint: "indent the fence by at most three spaces, and not with a tab"))
                    }
                    continue
                }
                let fence = SourceLocation(file: file, line: block.line, column: block.column)
                let infoStart = SourceLocation(file: file, line: block.line, column: block.infoColumn)
                guard let (language, words, kind) = try collector.attempt({ try Self.classify(block.rawInfo, at: infoStart) }),
                      let kind else { continue }
                if !block.isClosed {
                    let prefix = lines.line(block.line).prefix(block.column - 1)
                    let lastBodyLine = block.bodyLine + block.body.lines().count - 2
                    let endedByContainer = lines.hasText(after: max(0, lastBodyLine))
                    let container = !endedByContainer ? nil : prefix.contains(">") ? "block quote" : "list item"
                    collector.record(Diagnostic("this step's code fence is never closed", at: fence, hint: container.map {
                        "close it with a matching fence inside the \($0); otherwise CommonMark ends it where the \($0) ends"
                    } ?? "close it with a matching fence; otherwise CommonMark runs it to the end of the file"))
                    continue
                }
                let bodyLocation = SourceLocation(file: file, line: block.bodyLine, column: block.column)
                if kind == .vars {
                    if let declared = try collector.attempt({ try VariableDeclaration.parse(block: block.body, start: bodyLocation) }) {
                        variables += declared
                    }
                    continue
                }
                let id = words.first { $0.key == "id" }?.value ?? "\(chapterName)/\(steps.count + 1)"
                steps.append(StepBlock(kind: kind, id: id, chapter: chapterName, language: language, words: words,
                                       body: block.body, location: fence, bodyLocation: bodyLocation,
                                       heading: heading, sourceLines: lines))
            }
        }
        collector.record(contentsOf: Self.stepsHiddenByBackticks(lines: lines, codeBlocks: document.codeBlocks, file: file))
        try collector.throwIfAny()
        return Chapter(name: chapterName, file: file, title: title ?? chapterName, steps: steps, variables: variables)
    }

    /// The language word, the attribute words and the step kind (nil for a block that is not a step).
    static func classify(_ rawInfo: String, at start: SourceLocation) throws -> (String, [InfoWord], StepKind?) {
        let looseWords = rawInfo.utf8.split(whereSeparator: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") })
        let mentionsStep = looseWords.dropFirst().contains { word in
            let key = word.split(separator: UInt8(ascii: "="), maxSplits: 1).first.map { String(decoding: $0, as: UTF8.self) } ?? ""
            return StepKind.markerWords.contains(key) || StepKind.anyStepAttribute.contains(key)
        }
        guard mentionsStep else { return ("", [], nil) }
        var words = try InfoStringParser.words(in: rawInfo, at: start)
        var language = ""
        if let first = words.first, first.value == nil, !StepKind.markerWords.contains(first.key) {
            language = first.key
            words.removeFirst()
        }
        let markers = words.filter { StepKind.markerWords.contains($0.key) }
        guard let marker = markers.first else {
            // A marker-like word can sit inside a quoted value of an ordinary block: then it is no step.
            guard let attribute = words.first(where: { StepKind.anyStepAttribute.contains($0.key) }) else {
                return (language, words, nil)
            }
            throw Diagnostic("this code block has step attributes but names no step kind", at: attribute.location,
                             hint: "add a kind such as file=PATH, link=PATH, absent=PATH, package=NAME, run, handler=NAME, check or vars")
        }
        if markers.count > 1 {
            throw Diagnostic("a step has one kind, but this block names '\(marker.key)' and '\(markers[1].key)'",
                             at: markers[1].location, hint: "split it into two blocks")
        }
        let kind: StepKind = switch marker.key {
        case "file": .file
        case "link": .link
        case "absent": .absent
        case "package": .package
        case "run": .run
        case "handler": .handler
        case "vars": .vars
        default: language == "http" ? .httpCheck : .check
        }
        let takesValue = kind.marker.takesValue
        if takesValue && (marker.value ?? "").isEmpty {
            throw Diagnostic("'\(marker.key)' needs a value", at: marker.location, hint: "write \(marker.key)=VALUE")
        }
        if !takesValue && marker.value != nil {
            throw Diagnostic("'\(marker.key)' is a flag and takes no value", at: marker.location, hint: "write just \(marker.key)")
        }
        if kind == .vars, let extra = words.first(where: { $0.key != "vars" }) {
            throw Diagnostic("a vars block takes no attributes", at: extra.location, hint: "declare variables in its body")
        }
        var seen: Set<String> = []
        for word in words {
            if !seen.insert(word.key).inserted {
                throw Diagnostic("attribute '\(word.key)' is given twice", at: word.location, hint: "keep one")
            }
            guard word.key == marker.key || kind.attributes.contains(word.key) else {
                let owners = StepKind.allCases.filter { $0.attributes.contains(word.key) || $0.marker.word == word.key }
                let hint = owners.isEmpty
                    ? suggestion(for: word.key, among: kind.attributes, what: "\(kind.displayName) steps take")
                    : "\(word.key)= belongs to \(owners.map(\.displayName).joined(separator: " and ")) steps; \(kind.displayName) steps take \(kind.attributes.sorted().joined(separator: ", "))"
                throw Diagnostic("\(kind.displayName) steps have no attribute '\(word.key)'", at: word.location, hint: hint)
            }
            let isFlag = StepKind.flags.contains(word.key)
            if isFlag && word.value != nil {
                throw Diagnostic("'\(word.key)' is a flag and takes no value", at: word.location, hint: "write just \(word.key)")
            }
            if !isFlag && (word.value ?? "").isEmpty {
                throw Diagnostic("'\(word.key)' needs a value", at: word.location, hint: "write \(word.key)=VALUE")
            }
        }
        return (language, words, kind)
    }

    /// A backtick fence whose info string holds a backtick is no fence at all: Markdown shows the
    /// step as a paragraph, and it would silently never run.
    static func stepsHiddenByBackticks(lines: SourceLines, codeBlocks: [MarkdownCodeBlock], file: String) -> [Diagnostic] {
        var insideCode = [Bool](repeating: false, count: lines.count + 2)
        for block in codeBlocks {
            let newlines = block.body.utf8.reduce(0) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
            let bodyLines = newlines + (block.body.isEmpty || block.body.utf8.last == UInt8(ascii: "\n") ? 0 : 1)
            for number in block.line...min(max(block.line, block.bodyLine + bodyLines), lines.count + 1) { insideCode[number] = true }
        }
        var found: [Diagnostic] = []
        for number in 1...max(1, lines.count) where !insideCode[number] {
            let bytes = lines.lineBytes(number)
            let indent = bytes.prefix { $0 == UInt8(ascii: " ") }.count
            guard indent <= 3, bytes.dropFirst(indent).starts(with: "```".utf8) else { continue }
            let index = number - 1
            let info = String(lines.line(number).dropFirst(indent).drop { $0 == "`" })
            guard info.contains("`"),
                  (try? classify(info, at: SourceLocation(file: file, line: index + 1)))?.2 != nil else { continue }
            found.append(Diagnostic("this looks like a step, but a backtick fence's info string cannot hold a backtick, so Markdown shows it as plain text and it would never run",
                                    at: SourceLocation(file: file, line: index + 1, column: indent + 1),
                                    hint: "fence the block with ~~~ instead"))
        }
        return found
    }

    /// Step bodies are written byte for byte, so line endings and a BOM must not be ambiguous.
    static func refuseAmbiguousText(_ data: Data, file: String) throws {
        if data.starts(with: [0xEF, 0xBB, 0xBF]) {
            throw Diagnostic("the file starts with a byte order mark", at: SourceLocation(file: file, line: 1),
                             hint: "save it as UTF-8 without a BOM")
        }
        let found = data.withUnsafeBytes { (buffer: UnsafeRawBufferPointer) -> Int? in
            guard let base = buffer.baseAddress, let hit = memchr(base, 0x0D, buffer.count) else { return nil }
            return UnsafeRawPointer(hit) - base
        }
        if let offset = found {
            let carriageReturn = data.startIndex + offset
            let line = data[..<carriageReturn].reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
            let lineStart = data[..<carriageReturn].lastIndex(of: 0x0A).map { $0 + 1 } ?? data.startIndex
            throw Diagnostic("the file has Windows (CRLF) or CR line endings", at: SourceLocation(file: file, line: line,
                             column: carriageReturn - lineStart + 1),
                             hint: "runbook writes step bodies byte for byte; save the chapter with LF line endings")
        }
    }

    /// Strict UTF-8: a runbook with bytes that are not text is refused at the first bad byte.
    static func decodeUTF8(_ data: Data, file: String) throws -> String {
        if let text = String(validatingUTF8: data) { return text }
        var line = 1, column = 1
        var iterator = data.makeIterator()
        var decoder = UTF8()
        var offsetIntoLine = 0
        while true {
            switch decoder.decode(&iterator) {
            case .scalarValue(let scalar):
                if scalar == "\n" {
                    line += 1
                    column = 1
                    offsetIntoLine = 0
                } else {
                    column += 1
                    offsetIntoLine += 1
                }
            case .emptyInput:
                return String(decoding: data, as: UTF8.self)
            case .error:
                throw Diagnostic("the file is not valid UTF-8 text", at: SourceLocation(file: file, line: line, column: column),
                                 hint: "save it as UTF-8")
            }
        }
    }
}

private extension String {
    /// For a line like "```ini file=/x": the info string after the fence.
    var firstFenceInfo: String? {
        guard hasPrefix("```") || hasPrefix("~~~") else { return nil }
        let fence = first!
        return String(drop { $0 == fence })
    }


    init?(validatingUTF8 data: Data) {
        guard let text = String(data: data, encoding: .utf8) else { return nil }
        self = text
    }
}
