import RunbookMarkdown
import RunbookHost

/// Where something was written: a runbook file, a line and a column, all 1-based.
///
/// Every parsed step and every error carries one, so a message can say
/// `Runbook/02-nginx.md:41:9: error: ...` and an editor can jump there.
public struct SourceLocation: Sendable, Hashable, Codable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int = 1) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }

    public func movedTo(column: Int) -> SourceLocation {
        SourceLocation(file: file, line: line, column: column)
    }
}
