import FoundationEssentials
import Glibc

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
        !noColorFlag && getenv("NO_COLOR") == nil && isatty(STDOUT_FILENO) == 1
    }

    public func out(_ text: String) {
        Self.write(redactor.redact(text), to: STDOUT_FILENO)
    }

    public func line(_ text: String) { out(text + "\n") }

    public func error(_ text: String) {
        Self.write(redactor.redact(text) + "\n", to: STDERR_FILENO)
    }

    /// Unbuffered, so output and errors arrive in the order they were made; a closed pipe
    /// loses the rest of the text, as it would for any command.
    static func write(_ text: String, to descriptor: Int32) {
        var text = text
        _ = text.withUTF8 { writeFully(descriptor, UnsafeRawBufferPointer($0)) }
    }

    /// Asks a question on the terminal and reads one line of answer.
    public func ask(_ question: String) -> String? {
        out(question)
        return readLine()
    }
}
