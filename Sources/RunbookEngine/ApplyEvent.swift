import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookHost

/// What an apply or rollback reports as it goes, for a renderer to show. Steps never print.
public enum ApplyEvent: Sendable, Codable {
    case notice(String)
    case chapter(title: String, file: String)
    case step(StepPlan, applied: Bool)
    case stepDeclined(StepPlan)
    case handler(name: String, skipped: String?)
    case check(StepInfo, skipped: String?, attempts: Int)
    case restoring(reason: String)
    case restored(path: String, to: PathState)
    case handlerRerun(name: String, outcome: String)
}

/// The answer to `--step`'s question before each step.
public enum StepDecision: Sendable {
    case apply, skip, applyAll, quit
}
