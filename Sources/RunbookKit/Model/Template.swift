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

    static func placeholders(in text: String) -> [Placeholder] {
        guard text.contains("{{") else { return [] }
        var found: [Placeholder] = []
        var line = 0
        var lineStart = text.startIndex
        var index = text.startIndex
        while index < text.endIndex {
            let character = text[index]
            if character == "\n" {
                line += 1
                index = text.index(after: index)
                lineStart = index
                continue
            }
            if character == "{", text[index...].hasPrefix("{{"), let closing = text[index...].range(of: "}}") {
                let inner = text[text.index(index, offsetBy: 2)..<closing.lowerBound].trimmingCharacters(in: .whitespaces)
                if VariableDeclaration.isValidName(inner) {
                    let column = text[lineStart..<index].count + 1
                    found.append(Placeholder(name: inner, range: index..<closing.upperBound, line: line, column: column))
                    index = closing.upperBound
                    continue
                }
            }
            index = text.index(after: index)
        }
        return found
    }

    /// The names used in `text`, in order, with their positions as source locations.
    static func references(in text: String, at start: SourceLocation, sameLine: Bool,
                           lineColumns: [Int]? = nil) -> [(name: String, location: SourceLocation)] {
        placeholders(in: text).map { placeholder in
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
        let locations = references(in: text, at: start, sameLine: sameLine, lineColumns: lineColumns)
        for (placeholder, reference) in zip(found, locations) {
            result += text[cursor..<placeholder.range.lowerBound]
            result += try variables.value(of: placeholder.name, usedAt: reference.location)
            cursor = placeholder.range.upperBound
        }
        result += text[cursor...]
        return result
    }
}
