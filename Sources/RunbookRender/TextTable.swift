/// Rows of text in columns as wide as their widest cell, two spaces apart; the last column is not
/// padded, so a long one runs on without pushing the others.
public struct TextTable: Sendable {
    public var header: [String]
    public var rows: [[String]]

    public init(header: [String], rows: [[String]]) {
        self.header = header
        self.rows = rows
    }

    public func lines() -> [String] {
        let widths = header.indices.map { column in ([header] + rows).map { $0[column].count }.max() ?? 0 }
        return ([header] + rows).map { row in
            row.indices.map { $0 == row.count - 1 ? row[$0] : row[$0].padded(to: widths[$0]) }.joined(separator: "  ")
        }
    }
}

extension String {
    /// The text followed by spaces up to `width` characters.
    package func padded(to width: Int) -> String {
        count >= width ? self : self + String(repeating: " ", count: width - count)
    }
}
