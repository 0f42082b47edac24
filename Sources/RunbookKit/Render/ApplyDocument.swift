/// `kind: "apply"`: how `runbook apply --json` ended. Versioned by the rules of docs/JSON.md.
struct ApplyDocument: Encodable {
    let formatVersion = "1.0"
    let kind = "apply"
    var ok: Bool
    var changedSteps: Int
    var snapshot: Int?
    var failure: String?
    var failedChapter: String?
    var keptChapters: [String]
    var restored: [String]
    /// Why restoring failed too, and the command that retries it.
    var restoreFailure: String?
    var retry: String?
    /// The id of the saved plan carried out, for `apply FILE`.
    var plan: String?

    init(_ outcome: Applier.Outcome, retry: String?, plan: String?) {
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
    }
}
