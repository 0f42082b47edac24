import RunbookRender
import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookMarkdown
import RunbookHost

/// The exit codes, a contract for scripts.
public enum ExitCode: Int32, Sendable {
    /// Success; for `plan`, nothing to change.
    case success = 0
    /// An error: bad input, a failed step, drift, a problem found by `check`.
    case failure = 1
    /// `plan` only: changes are pending.
    case changesPending = 2
    /// `apply FILE` only: the saved plan is stale (the target, the runbook or a variable changed
    /// since it was made) or was applied already. Nothing was changed; plan again.
    case stalePlan = 3
    /// The command line itself is wrong.
    case usage = 64
    /// Another runbook holds the state directory lock; try again later.
    case locked = 75
}
