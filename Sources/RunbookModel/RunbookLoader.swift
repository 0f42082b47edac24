import FoundationEssentials
import Glibc
import RunbookMarkdown
import RunbookHost

/// Reads a runbook folder: every `*.md` file in file-name order, its headings and step blocks.
///
/// Loading only reads the runbook; it never looks at the target system. Problems in every
/// chapter are collected and thrown together as ``Diagnostics``.
public struct RunbookLoader {
    /// How the runbook's directory is written in messages (`Runbook`, as the operator typed it).
    public var displayDirectory: String
    /// The step kinds it recognises, from the step definitions.
    public var vocabulary: StepVocabulary

    public init(displayDirectory: String, vocabulary: StepVocabulary) {
        self.displayDirectory = displayDirectory
        self.vocabulary = vocabulary
    }

    public func load(directory: String) throws -> Runbook {
        let (runbook, problems) = try loadAsFarAsPossible(directory: directory)
        try DiagnosticCollector(problems).throwIfAny()
        return runbook
    }

    /// The runbook with every chapter read as far as it goes, and every problem found, for
    /// `check` to go on past them. Only a missing folder or one without chapters stops it.
    public func loadAsFarAsPossible(directory: String) throws -> (Runbook, [Diagnostic]) {
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
        var problems: [Diagnostic] = []
        var runbook = Runbook(directory: directory, chapters: [])
        for name in names {
            let displayFile = displayDirectory.isEmpty ? name : "\(displayDirectory)/\(name)"
            let data = try Data(contentsOf: URL(fileURLWithPath: directory).appendingPathComponent(name))
            runbook.chapterDigests[name] = SHA256.hex(data)
            let parsed = try parseChapterAsFarAsPossible(data: data, name: name, file: displayFile)
            runbook.chapters += parsed.chapter.map { [$0] } ?? []
            runbook.unsure.formUnion(parsed.unsure)
            problems += parsed.problems
        }
        problems += VariableTable.disagreements(in: runbook)
        return (runbook, problems)
    }

    public func parseChapter(data: Data, name: String, file: String) throws -> Chapter {
        let parsed = try parseChapterAsFarAsPossible(data: data, name: name, file: file)
        try DiagnosticCollector(parsed.problems).throwIfAny()
        return parsed.chapter!
    }

    /// Every block is read on its own, so one with an error hides only itself: the others are
    /// still steps and declarations, and what the broken one may have declared is noted as unsure.
    public func parseChapterAsFarAsPossible(data: Data, name: String, file: String) throws -> ParsedChapter {
        var problems = DiagnosticCollector()
        guard let text = try problems.attempt({ () throws -> String in
            let text = try Self.decodeUTF8(data, file: file)
            try Self.refuseAmbiguousText(data, file: file)
            return text
        }) else {
            return ParsedChapter(chapter: nil, problems: problems.items, unsure: .anything)
        }
        let document = MarkdownScanner.scan(text)
        let lines = SourceLines(text)
        let chapterName = String(name.dropLast(3))
        var title: String?
        var heading: String?
        var prose: [String] = []
        var steps: [StepBlock] = []
        // Blocks that meant to be steps keep their number when they have errors, so the default
        // ids of the steps after them do not move.
        var stepNumber = 0
        var variables: [VariableDeclaration] = []
        var unsure = UnsureNames()
        for element in document.elements {
            switch element {
            case .heading(let found):
                heading = found.text
                prose = []
                if title == nil { title = found.text }
            case .paragraph(let paragraph):
                prose.append(paragraph.listMarker.map { "\($0) " + paragraph.text } ?? paragraph.text)
            case .codeBlock(let block):
                guard block.isFenced else {
                    if let first = block.body.lines(omittingEmpty: true).first,
                       let info = first.trimmingBlanks().firstFenceInfo,
                       let meant = meantStep(info, at: SourceLocation(file: file, line: block.line)) {
                        problems.record(Diagnostic("this step is indented four or more columns, so Markdown shows it as plain text and it would never run",
                                                   at: SourceLocation(file: file, line: block.line, column: block.column),
                                                   hint: "indent the fence by at most three spaces, and not with a tab"))
                        unsure.noteUnreadable(kind: meant.kind, words: meant.words, vocabulary: vocabulary)
                        stepNumber += meant.kind == .vars ? 0 : 1
                    }
                    continue
                }
                let fence = SourceLocation(file: file, line: block.line, column: block.column)
                let infoStart = SourceLocation(file: file, line: block.line, column: block.infoColumn)
                let bodyLocation = SourceLocation(file: file, line: block.bodyLine, column: block.column)
                guard let (language, words, kind) = try problems.attempt({ try classify(block.rawInfo, at: infoStart) }) else {
                    let looseWords = InfoStringParser.looseWords(in: block.rawInfo, at: infoStart)
                    unsure.noteHandlers(in: looseWords, vocabulary: vocabulary)
                    if UnsureNames.mayBeVarsBlock(looseWords, vocabulary: vocabulary) {
                        if block.isClosed {
                            variables += try Self.declarations(in: block.body, at: bodyLocation, problems: &problems, unsure: &unsure)
                        } else {
                            unsure.anyVariable = true
                        }
                    } else {
                        stepNumber += 1
                    }
                    continue
                }
                guard let kind else { continue }
                if !block.isClosed {
                    let prefix = lines.line(block.line).prefix(block.column - 1)
                    let lastBodyLine = block.bodyLine + block.body.lines().count - 2
                    let endedByContainer = lines.hasText(after: max(0, lastBodyLine))
                    let container = !endedByContainer ? nil : prefix.contains(">") ? "block quote" : "list item"
                    problems.record(Diagnostic("this step's code fence is never closed", at: fence, hint: container.map {
                        "close it with a matching fence inside the \($0); otherwise CommonMark ends it where the \($0) ends"
                    } ?? "close it with a matching fence; otherwise CommonMark runs it to the end of the file"))
                    // What it swallowed is unknown: the rest of its list item, block quote or chapter.
                    unsure.formUnion(.anything)
                    stepNumber += kind == .vars ? 0 : 1
                    continue
                }
                if kind == .vars {
                    variables += try Self.declarations(in: block.body, at: bodyLocation, problems: &problems, unsure: &unsure)
                    continue
                }
                stepNumber += 1
                let id = words.first { $0.key == "id" }?.value ?? "\(chapterName)/\(stepNumber)"
                let step = StepBlock(kind: kind, id: id, chapter: chapterName, language: language, words: words,
                                     body: block.body, location: fence, bodyLocation: bodyLocation,
                                     heading: heading, prose: prose, sourceLines: lines)
                let unclosed = Self.unclosedPlaceholders(in: step)
                guard unclosed.isEmpty else {
                    problems.record(contentsOf: unclosed)
                    unsure.noteUnreadable(kind: kind, words: words, vocabulary: vocabulary)
                    continue
                }
                steps.append(step)
            }
        }
        let insideCode = Self.linesInsideCode(lines: lines, codeBlocks: document.codeBlocks)
        for (problem, kind, words) in stepsHiddenByBackticks(lines: lines, insideCode: insideCode, file: file) {
            problems.record(problem)
            unsure.noteUnreadable(kind: kind, words: words, vocabulary: vocabulary)
        }
        let chapter = Chapter(name: chapterName, file: file, title: title ?? chapterName, steps: steps, variables: variables,
                              variableTables: VariableTable.tables(in: lines, insideCode: insideCode, file: file))
        return ParsedChapter(chapter: chapter, problems: problems.items, unsure: unsure)
    }

    /// The declarations of a `vars` block, one by one, so that a declaration with an error hides
    /// only its own variable.
    package static func declarations(in body: String, at start: SourceLocation, problems: inout DiagnosticCollector,
                             unsure: inout UnsureNames) throws -> [VariableDeclaration] {
        var found: [VariableDeclaration] = []
        for group in VariableDeclaration.lineGroups(in: body, start: start) {
            guard let declaration = try problems.attempt({ try VariableDeclaration.parse(group.get()) }) else {
                if case .success(let lines) = group {
                    unsure.noteUnreadableDeclaration(InfoStringParser.looseWords(in: lines.lines[0].text, at: lines.start).first)
                }
                continue
            }
            let unclosed = declaration.defaultValue.map {
                Template.unclosedPlaceholderProblems(in: $0, at: declaration.defaultLocation ?? declaration.location, sameLine: true)
            } ?? []
            guard unclosed.isEmpty else {
                problems.record(contentsOf: unclosed)
                unsure.variables.insert(declaration.name)
                continue
            }
            found.append(declaration)
        }
        return found
    }

    /// Every `{{name` left open in a step's body and attribute values.
    package static func unclosedPlaceholders(in step: StepBlock) -> [Diagnostic] {
        Template.unclosedPlaceholderProblems(in: step.body, at: step.bodyLocation, sameLine: false, lineColumns: step.bodyColumns)
            + step.words.flatMap { word in
                word.value.map { Template.unclosedPlaceholderProblems(in: $0, at: word.valueLocation, sameLine: true) } ?? []
            }
    }

    /// The language word, the attribute words and the step kind (nil for a block that is not a step).
    package func classify(_ rawInfo: String, at start: SourceLocation) throws -> (String, [InfoWord], StepKind?) {
        let looseWords = rawInfo.utf8.split(whereSeparator: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") })
        // The language word is the first one, when it has no `=`: `file=/x` alone is a step.
        let afterLanguage = looseWords.first.map { $0.contains(UInt8(ascii: "=")) } == true ? looseWords[...] : looseWords.dropFirst()
        let mentionsStep = afterLanguage.contains { word in
            let key = word.split(separator: UInt8(ascii: "="), maxSplits: 1).first.map { String(decoding: $0, as: UTF8.self) } ?? ""
            return vocabulary.markerWords.contains(key) || vocabulary.anyStepAttribute.contains(key)
        }
        guard mentionsStep else {
            try refuseMistypedStepWord(in: rawInfo, at: start, among: .wordsAfterLanguage)
            return ("", [], nil)
        }
        var words = try InfoStringParser.words(in: rawInfo, at: start)
        var language = ""
        if let first = words.first, first.value == nil, !vocabulary.markerWords.contains(first.key) {
            language = first.key
            words.removeFirst()
        }
        let markers = words.filter { vocabulary.markerWords.contains($0.key) }
        guard let marker = markers.first else {
            // A marker-like word can sit inside a quoted value of an ordinary block: then it is no step.
            guard let attribute = words.first(where: { vocabulary.anyStepAttribute.contains($0.key) }) else {
                try refuseMistypedStepWord(in: rawInfo, at: start, among: .wordsAfterLanguage)
                return (language, words, nil)
            }
            try refuseMistypedStepWord(in: rawInfo, at: start, among: .kindsInAnyWord)
            throw Diagnostic("this code block has step attributes but names no step kind", at: attribute.location,
                             hint: "add a kind such as \(vocabulary.markerUsages)")
        }
        if markers.count > 1 {
            throw Diagnostic("a step has one kind, but this block names '\(marker.key)' and '\(markers[1].key)'",
                             at: markers[1].location, hint: "split it into two blocks")
        }
        let description = vocabulary.description(marker: marker.key, language: language)!
        let kind = description.kind
        let takesValue = description.markerTakesValue
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
            guard word.key == marker.key || description.attributes.contains(word.key) else {
                let owners = vocabulary.owners(of: word.key)
                let hint = owners.isEmpty
                    ? suggestion(for: word.key, among: description.attributes, what: "\(kind.displayName) steps take")
                    : "\(word.key)= belongs to \(owners.map(\.kind.displayName).joined(separator: " and ")) steps; \(kind.displayName) steps take \(description.attributes.sorted().joined(separator: ", "))"
                throw Diagnostic("\(kind.displayName) steps have no attribute '\(word.key)'", at: word.location, hint: hint)
            }
            let isFlag = vocabulary.flags.contains(word.key)
            if isFlag && word.value != nil {
                throw Diagnostic("'\(word.key)' is a flag and takes no value", at: word.location, hint: "write just \(word.key)")
            }
            if !isFlag && (word.value ?? "").isEmpty {
                throw Diagnostic("'\(word.key)' needs a value", at: word.location, hint: "write \(word.key)=VALUE")
            }
        }
        return (language, words, kind)
    }

    /// What an info string means as a step, for a block Markdown will never show as one (indented,
    /// or behind a backtick fence): nil when it is no step. One whose info string has errors meant
    /// a step all the same, with a kind unknown, or the block would vanish without a word.
    func meantStep(_ info: String, at location: SourceLocation) -> (kind: StepKind?, words: [InfoWord])? {
        do {
            guard case (_, let words, let kind?) = try classify(info, at: location) else { return nil }
            return (kind, words)
        } catch {
            return (nil, InfoStringParser.looseWords(in: info, at: location))
        }
    }

    /// Which words of an info string are compared with the step words.
    package enum TypoScope {
        /// Every word after the language word (the first word, when it has no `=`), which is
        /// anybody's choice.
        case wordsAfterLanguage
        /// Every word, but only with the step kinds: the block has step attributes, so it is an
        /// error anyway, and a mistyped kind says best what to fix.
        case kindsInAnyWord
    }

    /// A block that names no step kind is ordinary code that never runs, so a word close to a step
    /// word (`fiel=`, `ruN`, `pakage=`) would silently drop a step: it is refused instead.
    package func refuseMistypedStepWord(in rawInfo: String, at start: SourceLocation, among scope: TypoScope) throws {
        var words = InfoStringParser.looseWords(in: rawInfo, at: start)
        if scope == .wordsAfterLanguage, let first = words.first, first.value == nil { words.removeFirst() }
        for word in words {
            guard let meant = vocabulary.stepWord(closeTo: word.key, takesValue: word.value != nil),
                  scope == .wordsAfterLanguage || vocabulary.markerWords.contains(meant) else { continue }
            throw Diagnostic("'\(word.key)' is not a step word, so this block is no step and would never run",
                             at: word.location, hint: "did you mean '\(meant)'?")
        }
    }

    /// A backtick fence whose info string holds a backtick is no fence at all: Markdown shows the
    /// step as a paragraph, and it would silently never run.
    package func stepsHiddenByBackticks(lines: SourceLines, insideCode: [Bool],
                                       file: String) -> [(Diagnostic, StepKind?, [InfoWord])] {
        var found: [(Diagnostic, StepKind?, [InfoWord])] = []
        for number in 1...max(1, lines.count) where !insideCode[number] {
            let bytes = lines.lineBytes(number)
            let indent = bytes.prefix { $0 == UInt8(ascii: " ") }.count
            guard indent <= 3, bytes.dropFirst(indent).starts(with: "```".utf8) else { continue }
            let index = number - 1
            let info = String(lines.line(number).dropFirst(indent).drop { $0 == "`" })
            guard info.contains("`"), let (kind, words) = meantStep(info, at: SourceLocation(file: file, line: index + 1)) else { continue }
            found.append((Diagnostic("this looks like a step, but a backtick fence's info string cannot hold a backtick, so Markdown shows it as plain text and it would never run",
                                     at: SourceLocation(file: file, line: index + 1, column: indent + 1),
                                     hint: "fence the block with ~~~ instead"), kind, words))
        }
        return found
    }

    /// For each line number (from 1, and one past the end), whether it belongs to a code block,
    /// its fences included: what is there is code, never a step fence or a table.
    package static func linesInsideCode(lines: SourceLines, codeBlocks: [MarkdownCodeBlock]) -> [Bool] {
        var insideCode = [Bool](repeating: false, count: lines.count + 2)
        for block in codeBlocks {
            let newlines = block.body.utf8.reduce(0) { $1 == UInt8(ascii: "\n") ? $0 + 1 : $0 }
            let bodyLines = newlines + (block.body.isEmpty || block.body.utf8.last == UInt8(ascii: "\n") ? 0 : 1)
            for number in block.line...min(max(block.line, block.bodyLine + bodyLines), lines.count + 1) { insideCode[number] = true }
        }
        return insideCode
    }

    /// Step bodies are written byte for byte, so line endings and a BOM must not be ambiguous.
    package static func refuseAmbiguousText(_ data: Data, file: String) throws {
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
    package static func decodeUTF8(_ data: Data, file: String) throws -> String {
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
    package var firstFenceInfo: String? {
        guard hasPrefix("```") || hasPrefix("~~~") else { return nil }
        let fence = first!
        return String(drop { $0 == fence })
    }


    package init?(validatingUTF8 data: Data) {
        guard let text = String(data: data, encoding: .utf8) else { return nil }
        self = text
    }
}
