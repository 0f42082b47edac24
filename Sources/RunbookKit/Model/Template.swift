/// `{{name}}` substitution in step bodies and attribute values.
///
/// `server_name {{domain}};` becomes `server_name inference.example.com;`. Only a variable name
/// between the braces is a placeholder (spaces allowed: `{{ domain }}`), so nginx's `{` and a
/// Go template's `{{.Names}}` pass through untouched.
public enum Template {
    struct Placeholder {
        var name: String
        var range: Range<String.Index>
        /// Lines and columns from the start of the text, 0-based line and 1-based column.
        var line: Int
        var column: Int
    }

    /// Every placeholder in `text`, found on its UTF-8 bytes: templating runs once per step body
    /// and attribute, so it must cost little more than reading the text.
    static func placeholders(in text: String) -> [Placeholder] {
        let utf8 = text.utf8
        let open = UInt8(ascii: "{"), close = UInt8(ascii: "}"), newline = UInt8(ascii: "\n")
        let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")
        var found: [Placeholder] = []
        var line = 0
        var lineStart = utf8.startIndex
        var index = utf8.startIndex
        while index < utf8.endIndex {
            let byte = utf8[index]
            if byte == newline {
                line += 1
                index = utf8.index(after: index)
                lineStart = index
                continue
            }
            let next = utf8.index(after: index)
            guard byte == open, next < utf8.endIndex, utf8[next] == open else {
                index = next
                continue
            }
            // A name sits between the braces, on one line.
            var end = utf8.index(after: next)
            while end < utf8.endIndex, utf8[end] != close, utf8[end] != newline, utf8[end] != open { end = utf8.index(after: end) }
            let afterEnd = end < utf8.endIndex ? utf8.index(after: end) : end
            guard end < utf8.endIndex, utf8[end] == close, afterEnd < utf8.endIndex, utf8[afterEnd] == close else {
                index = next
                continue
            }
            var nameStart = utf8.index(after: next), nameEnd = end
            while nameStart < nameEnd, utf8[nameStart] == space || utf8[nameStart] == tab { nameStart = utf8.index(after: nameStart) }
            while nameEnd > nameStart, utf8[utf8.index(before: nameEnd)] == space || utf8[utf8.index(before: nameEnd)] == tab {
                nameEnd = utf8.index(before: nameEnd)
            }
            let name = utf8[nameStart..<nameEnd]
            guard VariableDeclaration.isValidName(name) else {
                index = next
                continue
            }
            let column = 1 + utf8[lineStart..<index].reduce(0) { $1 & 0xC0 == 0x80 ? $0 : $0 + 1 }
            found.append(Placeholder(name: String(decoding: name, as: UTF8.self), range: index..<utf8.index(after: afterEnd),
                                     line: line, column: column))
            index = utf8.index(after: afterEnd)
        }
        return found
    }

    /// Where each placeholder is in the runbook: `start` is where the text begins; with `sameLine`
    /// the text is an attribute value; `lineColumns` gives the source column of each line's start.
    static func locate(_ placeholders: [Placeholder], at start: SourceLocation, sameLine: Bool,
                               lineColumns: [Int]?) -> [(name: String, location: SourceLocation)] {
        placeholders.map { placeholder in
            let lineStart = lineColumns.flatMap { placeholder.line < $0.count ? $0[placeholder.line] : nil } ?? start.column
            let location = sameLine
                ? start.movedTo(column: start.column + placeholder.column - 1)
                : SourceLocation(file: start.file, line: start.line + placeholder.line,
                                 column: lineStart + placeholder.column - 1)
            return (placeholder.name, location)
        }
    }

    /// Substitutes every placeholder. `start` is where the text begins in the runbook;
    /// `sameLine` says the text is an attribute value (columns count from `start`).
    /// `lineColumns` gives the source column of each line's start, for a body whose lines were indented.
    public static func render(_ text: String, with variables: ResolvedVariables, at start: SourceLocation,
                              sameLine: Bool = false, lineColumns: [Int]? = nil) throws -> String {
        let found = placeholders(in: text)
        guard !found.isEmpty else { return text }
        var result = ""
        var cursor = text.startIndex
        let locations = locate(found, at: start, sameLine: sameLine, lineColumns: lineColumns)
        for (placeholder, reference) in zip(found, locations) {
            result += text[cursor..<placeholder.range.lowerBound]
            result += try variables.value(of: placeholder.name, usedAt: reference.location)
            cursor = placeholder.range.upperBound
        }
        result += text[cursor...]
        return result
    }
}
