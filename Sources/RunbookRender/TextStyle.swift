import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookHost

/// ANSI styling for a terminal, or none at all.
public struct TextStyle: Sendable {
    public let enabled: Bool

    public init(enabled: Bool) { self.enabled = enabled }

    private func wrap(_ text: String, _ code: String) -> String { enabled ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text }

    public func bold(_ text: String) -> String { wrap(text, "1") }
    public func dim(_ text: String) -> String { wrap(text, "2") }
    public func green(_ text: String) -> String { wrap(text, "32") }
    public func red(_ text: String) -> String { wrap(text, "31") }
    public func yellow(_ text: String) -> String { wrap(text, "33") }
    public func cyan(_ text: String) -> String { wrap(text, "36") }

    /// Every line's `error:` label in bold red, where a message begins (`FILE:LINE:COL: error:`,
    /// `runbook: error:`, or `error:` first on the line).
    public func errorLabels(_ text: String) -> String {
        guard enabled else { return text }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            if line.hasPrefix("error: ") { return bold(red("error:")) + line.dropFirst("error:".count) }
            guard let label = line.firstRange(of: ": error: ") else { return String(line) }
            return line[..<label.lowerBound] + ": " + bold(red("error:")) + line[line.index(label.upperBound, offsetBy: -1)...]
        }.joined(separator: "\n")
    }

    /// A diff line coloured by its first character.
    public func diffLine(_ line: Substring) -> String {
        if line.hasPrefix("+++") || line.hasPrefix("---") { return bold(String(line)) }
        if line.hasPrefix("+") { return green(String(line)) }
        if line.hasPrefix("-") { return red(String(line)) }
        if line.hasPrefix("@@") { return cyan(String(line)) }
        return String(line)
    }
}
