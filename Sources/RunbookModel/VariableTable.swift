import RunbookMarkdown
import RunbookHost

/// A Markdown table that documents variables for readers, such as the one in Runbook/README.md:
/// a header with a `variable` column and a `default` column, and a row per variable whose
/// variable cell is the name as code (`` `domain` ``).
///
/// It repeats what the vars block declares, so `check` makes sure it agrees: a default written
/// as code (`` `inference.example.com` ``) is the declared default exactly, as written in the
/// declaration; a variable without one (no default, an empty one, a generated secret) has prose
/// there instead ("32 random bytes, as hex, made on the first apply"). Every row names a declared
/// variable, and every variable declared in the table's chapter has a row.
package struct VariableTable: Sendable {
    package struct Row: Sendable {
        package var name: String
        package var nameLocation: SourceLocation
        /// The default cell, trimmed; a single code span's content is the documented default.
        package var defaultCell: String
        package var defaultLocation: SourceLocation

        /// The value of a default cell that is one code span, nil for prose.
        package var documentedDefault: String? {
            Self.codeSpan(defaultCell)
        }

        package static func codeSpan(_ cell: String) -> String? {
            guard cell.count >= 2, cell.first == "`", cell.last == "`" else { return nil }
            let content = cell.dropFirst().dropLast()
            return content.contains("`") ? nil : String(content)
        }
    }

    /// The header row.
    package var location: SourceLocation
    package var rows: [Row]

    /// The tables of a chapter that document variables; `insideCode[n]` says whether line n is
    /// part of a code block, where a table is only text.
    package static func tables(in lines: SourceLines, insideCode: [Bool], file: String) -> [VariableTable] {
        var tables: [VariableTable] = []
        var number = 1
        while number < lines.count {
            defer { number += 1 }
            guard !insideCode[number], !insideCode[number + 1], let header = cells(of: lines.line(number)),
                  let delimiter = cells(of: lines.line(number + 1)),
                  delimiter.allSatisfy({ cell in !cell.text.isEmpty && cell.text.allSatisfy { "-:".contains($0) } }) else { continue }
            let titles = header.map { $0.text.lowercased() }
            guard let nameColumn = titles.firstIndex(of: "variable"), let defaultColumn = titles.firstIndex(of: "default") else { continue }
            var table = VariableTable(location: SourceLocation(file: file, line: number, column: header[nameColumn].column), rows: [])
            number += 2
            while number <= lines.count, !insideCode[number], let row = cells(of: lines.line(number)) {
                if row.count > max(nameColumn, defaultColumn), let name = Row.codeSpan(row[nameColumn].text) {
                    table.rows.append(Row(name: name, nameLocation: SourceLocation(file: file, line: number, column: row[nameColumn].column),
                                          defaultCell: row[defaultColumn].text,
                                          defaultLocation: SourceLocation(file: file, line: number, column: row[defaultColumn].column)))
                }
                number += 1
            }
            tables.append(table)
        }
        return tables
    }

    /// The cells of a table line (`| a | b |`), trimmed, each with the column its text starts at;
    /// nil for a line that is no table row. A `\|` is a pipe inside a cell.
    private static func cells(of line: Substring) -> [(text: String, column: Int)]? {
        let indent = line.prefix { $0 == " " }.count
        guard indent <= 3, line.dropFirst(indent).first == "|" else { return nil }
        var cells: [(String, Int)] = []
        var current = ""
        var start = indent + 2
        var column = indent + 1
        var escaped = false
        for character in line.dropFirst(indent + 1) {
            column += 1
            if character == "|" && !escaped {
                cells.append((current, start))
                current = ""
                start = column + 1
                continue
            }
            escaped = character == "\\" && !escaped
            current.append(character)
        }
        if !current.trimmingBlanks().isEmpty { cells.append((current, start)) }
        return cells.map { text, start in
            let leading = text.prefix { $0 == " " || $0 == "\t" }.count
            return (text.trimmingBlanks(), start + leading)
        }
    }

    /// Where the tables and the declarations disagree. A variable whose declaration has an error
    /// (`unsure`) is left alone: its declaration's own error says what to fix.
    package static func disagreements(in runbook: Runbook) -> [Diagnostic] {
        let declared = Dictionary(runbook.variables.map { ($0.name, $0) }) { first, _ in first }
        var problems: [Diagnostic] = []
        for chapter in runbook.chapters {
            for table in chapter.variableTables {
                for row in table.rows where !runbook.unsure.coversVariable(row.name, declared: declared[row.name] != nil) {
                    guard let declaration = declared[row.name] else {
                        problems.append(Diagnostic("the variables table names '\(row.name)', which no vars block declares", at: row.nameLocation,
                                                   hint: "declare it in a vars block, or take its row out of the table"))
                        continue
                    }
                    if let problem = disagreement(row, declaration) {
                        problems.append(Diagnostic(problem, at: row.defaultLocation,
                                                   hint: "make the table say what the declaration at \(declaration.location) says: runbook uses the declaration"))
                    }
                }
                let documented = Set(table.rows.map(\.name))
                for declaration in chapter.variables where !documented.contains(declaration.name) {
                    problems.append(Diagnostic("the variables table leaves out '\(declaration.name)', which this chapter declares", at: table.location,
                                               hint: "add a row for it, with its default as code, like | `\(declaration.name)` | `VALUE` | … |"))
                }
            }
        }
        return problems
    }

    private static func disagreement(_ row: Row, _ declaration: VariableDeclaration) -> String? {
        let declaredDefault = declaration.generatedBytes == nil ? declaration.defaultValue : nil
        switch (declaredDefault, row.documentedDefault) {
        case (let value?, let documented?) where value == documented || value.isEmpty && documented == "\"\"":
            return nil
        case (let value?, nil) where value.isEmpty:
            return nil
        case (nil, nil):
            return nil
        case (let value?, let documented?):
            return "the variables table gives '\(row.name)' the default \(documented), but its declaration says \(declaration.isSecret ? "another" : value)"
        case (let value?, nil):
            return "the variables table gives no default for '\(row.name)', but its declaration has \(declaration.isSecret ? "one" : value); write it as code: `\(declaration.isSecret ? "…" : value)`"
        case (nil, let documented?):
            return "the variables table gives '\(row.name)' the default \(documented), but its declaration has none"
        }
    }
}
