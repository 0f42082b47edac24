import RunbookRender
import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookMarkdown
import RunbookHost

/// The exit codes, a contract for scripts.
public enum ExitCode: Int32, CaseIterable, Sendable {
    /// Success; for `plan`, nothing to change.
    case success = 0
    /// An error: bad input, a failed step, drift, a problem found by `check`.
    case failure = 1
    /// `plan` only: changes are pending.
    case changesPending = 2
    /// `apply FILE` only: the saved plan is stale (the target, the runbook or a variable changed
    /// since it was made) or was applied already. Nothing was changed; plan again.
    case stalePlan = 3
    /// The command line itself is wrong, or selects what the runbook does not have.
    case usage = 64
    /// `--host`, `--inventory`: a host could not be reached over ssh, or its connection was lost
    /// midway (a command that changes it goes on there; the next one reports how it ended). No
    /// host had an error.
    case unreachable = 69
    /// Another runbook holds the state directory lock; try again later.
    case locked = 75

    /// What help and the man page say the code means.
    package var meaning: String {
        switch self {
        case .success: "Success; for plan and show, nothing to change."
        case .failure: "An error, a failed step (restored), drift, or problems found by check."
        case .changesPending: "plan and show: changes are pending."
        case .stalePlan: "apply PLANFILE: the plan is stale or was applied already; nothing was changed (with --skip-stale: on the stale hosts)."
        case .usage: "A wrong command line, or a --chapter or --only that selects no step of the runbook; nothing was changed."
        case .unreachable: "With --host or --inventory: a host could not be reached, or its connection was lost; no host had an error."
        case .locked: "Another runbook holds the state directory lock (on some host, and no host had another problem)."
        }
    }
}
