import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookHost

/// What an apply or rollback reports as it goes, for a renderer to show. Steps never print.
///
/// Work that takes time (a step's changes, a handler, a check and its retries) is announced by
/// `started` and ends with the event that says how it went, with its duration in seconds on
/// ``MonotonicClock``, or with `failed`.
public enum ApplyEvent: Sendable {
    case notice(String)
    case chapter(title: String, file: String)
    case started(StepInfo)
    /// `seconds` is how long its changes took; nil when it had none to make.
    case step(StepPlan, applied: Bool, seconds: Double?)
    case stepDeclined(StepPlan)
    /// The work `started` announced failed; the apply restores next.
    case failed(StepInfo, seconds: Double)
    case handler(StepInfo, name: String, skipped: String?, seconds: Double?)
    /// A check's attempt `failed` (of at most `of`) did not pass; the next one follows after `delay` seconds.
    case checkAttempt(StepInfo, failed: Int, of: Int, delay: Double)
    case check(StepInfo, skipped: String?, attempts: Int, seconds: Double?)
    case restoring(reason: String)
    case restored(path: String, to: PathState)
    case handlerRerun(name: String, result: ProcessResult)
}

/// The answer to `--step`'s question before each step.
public enum StepDecision: Sendable {
    case apply, skip, applyAll, quit
}
