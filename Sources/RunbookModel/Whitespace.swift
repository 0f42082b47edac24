import RunbookMarkdown
import RunbookHost

extension StringProtocol {
    /// Without leading and trailing spaces and tabs (and other Unicode space separators).
    package func trimmingBlanks() -> String { trimming { $0.isWhitespace && !$0.isNewline } }

    /// Without leading and trailing white space, line breaks included.
    package func trimmingWhitespace() -> String { trimming(\.isWhitespace) }

    private func trimming(_ isTrimmed: (Character) -> Bool) -> String {
        guard let first = firstIndex(where: { !isTrimmed($0) }), let last = lastIndex(where: { !isTrimmed($0) }) else { return "" }
        return String(self[first...last])
    }
}
