import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookHost

/// A step, handler or check that failed during an apply: where it is written, what went wrong,
/// and what the command printed.
public struct StepFailure: Error, Sendable, CustomStringConvertible {
    public var step: StepInfo
    public var message: String
    public var output: String?

    public init(step: StepInfo, message: String, output: String? = nil) {
        self.step = step
        self.message = message
        self.output = output
    }

    public var description: String {
        var text = "\(step.location): error: \(step.id) (\(step.summary)) failed: \(message)"
        if let output, !output.isEmpty {
            text += "\n" + output.lines().map { "  | \($0)" }.joined(separator: "\n")
        }
        return text
    }
}
