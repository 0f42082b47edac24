import RunbookSteps

/// How long one piece of an apply's work took: a step's changes, a handler, a check with its retries.
public struct StepTiming: Sendable, Equatable, Codable {
    public var step: StepInfo
    public var seconds: Double

    package init(step: StepInfo, seconds: Double) {
        self.step = step
        self.seconds = seconds
    }

    /// The `count` that took longest, longest first; of equal ones, the earlier.
    package static func slowest(_ count: Int, of timings: [StepTiming]) -> [StepTiming] {
        Array(timings.enumerated().sorted { ($1.element.seconds, $0.offset) < ($0.element.seconds, $1.offset) }.prefix(count).map(\.element))
    }
}
