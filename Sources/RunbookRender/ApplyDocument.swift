import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookHost

/// `kind: "apply"`: how `runbook apply --json` ended. Versioned by the rules of docs/JSON.md.
package struct ApplyDocument: Encodable {
    package struct Timing: Encodable {
        package var step: String
        package var summary: String
        package var seconds: Double
    }

    package let formatVersion = "1.1"
    package let kind = "apply"
    package var ok: Bool
    package var changedSteps: Int
    package var snapshot: Int?
    package var failure: String?
    package var failedChapter: String?
    package var keptChapters: [String]
    package var restored: [String]
    /// Why restoring failed too, and the command that retries it.
    package var restoreFailure: String?
    package var retry: String?
    /// The id of the saved plan carried out, for `apply FILE`.
    package var plan: String?
    package var seconds: Double
    package var slowestSteps: [Timing]

    package init(_ outcome: Applier.Outcome, retry: String?, plan: String?) {
        ok = outcome.failure == nil
        changedSteps = outcome.changedSteps
        snapshot = outcome.snapshotID
        failure = outcome.failure
        failedChapter = outcome.failedChapter
        keptChapters = outcome.keptChapters
        restored = outcome.restored
        restoreFailure = outcome.restoreError
        self.retry = retry
        self.plan = plan
        seconds = DurationText.milliseconds(outcome.seconds)
        slowestSteps = outcome.slowestSteps.map {
            Timing(step: $0.step.id, summary: $0.step.summary, seconds: DurationText.milliseconds($0.seconds))
        }
    }
}
