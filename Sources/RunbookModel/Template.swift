import RunbookMarkdown
import RunbookHost

/// `{{name}}` substitution in step bodies and attribute values.
///
/// `server_name {{domain}};` becomes `server_name inference.example.com;`. Only a variable name
/// between the braces is a placeholder (spaces allowed: `{{ domain }}`), so nginx's `{` and a
/// Go template's `{{.Names}}` pass through untouched.
public enum Template {
    package struct Placeholder {
        package var name: String
        /// UTF-8 offsets of the whole `{{ name }}`.
        package var range: Range<Int>
        /// Lines and columns from the start of the text, 0-based line and 1-based column.
        package var line: Int
        package var column: Int
    }

    /// Every placeholder in `text`, found on its UTF-8 bytes: templating runs once per step body
    /// and attribute, so it must cost little more than reading the text.
    package static func placeholders(in text: String) -> [Placeholder] {
        placeholders(in: Array(text.utf8))
    }

    private static func placeholders(in bytes: [UInt8]) -> [Placeholder] {
        let open = UInt8(ascii: "{"), close = UInt8(ascii: "}"), newline = UInt8(ascii: "\n")
        let isBlank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        var found: [Placeholder] = []
        var line = 0
        var lineStart = 0
        var index = 0
        while index < bytes.count {
            let byte = bytes[index]
            if byte == newline {
                line += 1
                index += 1
                lineStart = index
                continue
            }
            guard byte == open, index + 1 < bytes.count, bytes[index + 1] == open else {
                index += 1
                continue
            }
            // A name sits between the braces, on one line.
            var end = index + 2
            while end < bytes.count, bytes[end] != close, bytes[end] != newline, bytes[end] != open { end += 1 }
            guard end + 1 < bytes.count, bytes[end] == close, bytes[end + 1] == close else {
                index += 1
                continue
            }
            var nameStart = index + 2, nameEnd = end
            while nameStart < nameEnd, isBlank(bytes[nameStart]) { nameStart += 1 }
            while nameEnd > nameStart, isBlank(bytes[nameEnd - 1]) { nameEnd -= 1 }
            let name = bytes[nameStart..<nameEnd]
            guard VariableDeclaration.isValidName(name) else {
                index += 1
                continue
            }
            let column = 1 + bytes[lineStart..<index].unicodeScalarCount
            found.append(Placeholder(name: String(decoding: name, as: UTF8.self), range: index..<end + 2, line: line, column: column))
            index = end + 2
        }
        return found
    }

    /// Every `{{name` whose `}}` is missing: `{{`, optional blanks and a variable name, with no
    /// `}}` after it before the next `{{` or the end of the line. Left alone, it would be written
    /// out literally, a half-templated file. A `{{` before anything but a name stays literal
    /// (`{{.Names}}`, `{{ }}`), and so does a name followed by more text that `}}` closes later
    /// on the line (`{{json .Config}}`, `{{ item | upper }}`): another template language's.
    package static func unclosedPlaceholders(in text: String) -> [Placeholder] {
        let bytes = Array(text.utf8)
        let open = UInt8(ascii: "{"), close = UInt8(ascii: "}"), newline = UInt8(ascii: "\n")
        let isBlank = { (byte: UInt8) in byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") }
        let isNameByte = { (byte: UInt8) in VariableDeclaration.isValidName(CollectionOfOne(byte)) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
        var found: [Placeholder] = []
        var line = 0, lineStart = 0, index = 0
        while index + 1 < bytes.count {
            if bytes[index] == newline {
                line += 1
                index += 1
                lineStart = index
                continue
            }
            guard bytes[index] == open, bytes[index + 1] == open else {
                index += 1
                continue
            }
            var nameStart = index + 2
            while nameStart < bytes.count, isBlank(bytes[nameStart]) { nameStart += 1 }
            var nameEnd = nameStart
            while nameEnd < bytes.count, isNameByte(bytes[nameEnd]) { nameEnd += 1 }
            let name = bytes[nameStart..<nameEnd]
            guard VariableDeclaration.isValidName(name) else {
                index += 1
                continue
            }
            var after = nameEnd, closed = false
            while after + 1 < bytes.count, bytes[after] != newline, !(bytes[after] == open && bytes[after + 1] == open) {
                if bytes[after] == close, bytes[after + 1] == close {
                    closed = true
                    break
                }
                after += 1
            }
            if !closed {
                let column = 1 + bytes[lineStart..<index].unicodeScalarCount
                found.append(Placeholder(name: String(decoding: name, as: UTF8.self), range: index..<nameEnd, line: line, column: column))
            }
            index = nameEnd
        }
        return found
    }

    /// The errors for every unclosed `{{name` in `text`, placed as ``location(of:at:sameLine:lineColumns:)`` does.
    package static func unclosedPlaceholderProblems(in text: String, at start: SourceLocation, sameLine: Bool,
                                            lineColumns: @autoclosure () -> [Int]? = nil) -> [Diagnostic] {
        let found = unclosedPlaceholders(in: text)
        guard !found.isEmpty else { return [] }
        let bytes = Array(text.utf8), columns = sameLine ? nil : lineColumns()
        return found.map { placeholder in
            let written = String(decoding: bytes[placeholder.range], as: UTF8.self)
            return Diagnostic("'\(written)' is never closed", at: location(of: placeholder, at: start, sameLine: sameLine, lineColumns: columns),
                              hint: "write {{\(placeholder.name)}}")
        }
    }

    /// Where a placeholder is in the runbook: `start` is where the text begins; with `sameLine`
    /// the text is an attribute value; `lineColumns` gives the source column of each line's start.
    package static func location(of placeholder: Placeholder, at start: SourceLocation, sameLine: Bool,
                         lineColumns: [Int]?) -> SourceLocation {
        if sameLine { return start.movedTo(column: start.column + placeholder.column - 1) }
        let lineStart = lineColumns.flatMap { placeholder.line < $0.count ? $0[placeholder.line] : nil } ?? start.column
        return SourceLocation(file: start.file, line: start.line + placeholder.line, column: lineStart + placeholder.column - 1)
    }

    /// Substitutes every placeholder. `start` is where the text begins in the runbook;
    /// `sameLine` says the text is an attribute value (columns count from `start`).
    /// `lineColumns` gives the source column of each line's start, for a body whose lines were
    /// indented; it is only worked out for an error.
    public static func render(_ text: String, with variables: ResolvedVariables, at start: SourceLocation,
                              sameLine: Bool = false, lineColumns: @autoclosure () -> [Int]? = nil) throws -> String {
        let bytes = Array(text.utf8)
        let found = placeholders(in: bytes)
        guard !found.isEmpty else { return text }
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count + 16 * found.count)
        var cursor = 0
        for placeholder in found {
            result += bytes[cursor..<placeholder.range.lowerBound]
            result += try variables.value(of: placeholder.name, usedAt: location(of: placeholder, at: start, sameLine: sameLine,
                                                                                 lineColumns: lineColumns())).utf8
            cursor = placeholder.range.upperBound
        }
        result += bytes[cursor...]
        return String(decoding: result, as: UTF8.self)
    }
}
