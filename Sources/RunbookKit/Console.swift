import FoundationEssentials
import Glibc
import RunbookRender
import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookMarkdown
import RunbookHost

/// Where every byte of output goes, masked by the redactor first: the one place that decides
/// what leaves the process.
public final class Console: @unchecked Sendable {
    public var redactor: Redactor
    /// How standard output is styled; standard error has its own, for it may be a terminal when
    /// standard output is a pipe, or the other way round.
    public let style: TextStyle
    public let errorStyle: TextStyle

    public init(redactor: Redactor, color: ColorChoice) {
        self.redactor = redactor
        style = TextStyle(enabled: color.colors(STDOUT_FILENO))
        errorStyle = TextStyle(enabled: color.colors(STDERR_FILENO))
    }

    /// `apply --json` prints a stream, each document on a line of its own (NDJSON); every other
    /// command prints one document, pretty.
    package var streamsJSON = false

    /// Whether stdout is a terminal, where a line can be drawn again in place.
    package var isTerminal: Bool { isatty(STDOUT_FILENO) == 1 }

    /// `--step` asks at a terminal: piped answers would be typed before the questions are read.
    public static var inputIsTerminal: Bool { isatty(STDIN_FILENO) == 1 }

    /// The terminal's width, for a progress line and prose wrapped to it: its window size, else
    /// `COLUMNS`, else 80.
    package var columns: Int {
        var size = winsize()
        if ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        if let columns = getenv("COLUMNS").flatMap({ Int(String(cString: $0)) }), columns > 0 { return columns }
        return 80
    }

    package func json<Document: Encodable>(_ document: Document) throws {
        line(streamsJSON ? try JSONOutput.line(document) : try JSONOutput.text(document))
    }

    /// Where output goes instead of this process's standard output and error, masked as ever:
    /// `runbook agent` sends what a command prints to the controller as messages.
    package var sink: ((_ text: String, _ standardError: Bool) -> Void)?

    /// Unbuffered, so output and errors arrive in the order they were made.
    public func out(_ text: String) {
        let masked = redactor.redact(text)
        if let sink { sink(masked, false) } else { writeFully(STDOUT_FILENO, masked) }
    }

    public func line(_ text: String) { out(text + "\n") }

    /// A line for people on standard error; its `error:` labels are red.
    public func error(_ text: String) {
        let line = errorStyle.errorLabels(redactor.redact(text)) + "\n"
        if let sink { sink(line, true) } else { writeFully(STDERR_FILENO, line) }
    }

    /// Asks a question on the terminal and reads one line of answer.
    public func ask(_ question: String) -> String? {
        out(question)
        return readLine()
    }
}
