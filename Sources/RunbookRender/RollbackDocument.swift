import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookHost

/// `kind: "rollback"`: what `runbook rollback --json` did, or why it did nothing. Versioned by the
/// rules of docs/JSON.md.
package struct RollbackDocument: Encodable {
    package enum Outcome: String, Encodable {
        /// Every path is back; `snapshot` is this rollback's own snapshot.
        case restored
        /// No snapshot is left to undo (exit 0).
        case nothingToUndo
        /// Managed paths changed since runbook left them, and --force was not given; nothing was changed (exit 1).
        case refusedDrift
        /// It failed midway: some paths are back, others not, until `runbook rollback` finishes it (exit 1).
        case stopped
    }

    package struct Drift: Encodable {
        package var path: String
        /// As runbook left it.
        package var expected: PathStateDocument
        package var found: PathStateDocument

        package init(_ drift: Restorer.Drift) {
            path = drift.path
            expected = PathStateDocument(drift.expected, withholdingHash: drift.holdsSecret)
            found = PathStateDocument(drift.found, withholdingHash: drift.holdsSecret)
        }
    }

    package let formatVersion = "1.0"
    package let kind = "rollback"
    package var outcome: Outcome
    /// The snapshots it undoes, newest first (or would have, when it was refused).
    package var undoes: [Int]
    /// Rollbacks that stopped midway, which this one takes over and finishes.
    package var finishes: [Int]
    /// This rollback's own snapshot, when it recorded one.
    package var snapshot: Int?
    /// The paths put back, in the order they were. Empty when it stopped: the paths it changed
    /// are in its snapshot's records.
    package var restored: [String]
    /// Packages the undone applies installed: a rollback leaves them installed.
    package var packagesKept: [String]
    package var drift: [Drift]
    /// Why it stopped, for `stopped`.
    package var failure: String?

    package init(_ outcome: Outcome, targets: Rollback.Targets? = nil, drift: [Restorer.Drift] = [], restored: [String] = [],
         snapshot: Int? = nil, packagesKept: [String] = [], failure: String? = nil) {
        self.outcome = outcome
        undoes = targets?.undo.map(\.id) ?? []
        finishes = targets?.finishing.map(\.id) ?? []
        self.snapshot = snapshot
        self.restored = restored
        self.packagesKept = packagesKept
        self.drift = drift.map(Drift.init)
        self.failure = failure
    }
}
