import Foundation

/// Where every byte of output goes, masked by the redactor first: the one place that decides
/// what leaves the process.
public final class Console: @unchecked Sendable {
    public var redactor: Redactor
    public let style: TextStyle

    public init(redactor: Redactor, color: Bool) {
        self.redactor = redactor
        style = TextStyle(enabled: color)
    }

    /// Colour only on a terminal, never with NO_COLOR or --no-color.
    public static func wantsColor(noColorFlag: Bool) -> Bool {
        !noColorFlag && ProcessInfo.processInfo.environment["NO_COLOR"] == nil && isatty(STDOUT_FILENO) == 1
    }

    public func out(_ text: String) {
        FileHandle.standardOutput.write(redactor.redact(text).utf8Data)
    }

    public func line(_ text: String) { out(text + "\n") }

    public func error(_ text: String) {
        FileHandle.standardError.write((redactor.redact(text) + "\n").utf8Data)
    }

    /// Asks a question on the terminal and reads one line of answer.
    public func ask(_ question: String) -> String? {
        out(question)
        return readLine()
    }
}
