import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookHost

/// One snapshot as `snapshots --json` lists it, and as `snapshots show ID --json` begins.
package struct SnapshotEntryDocument: Encodable {
    package var id: Int
    /// `apply` or `rollback`.
    package var kind: String
    /// As it is now: a snapshot whose manifest still says `running` but whose process is gone is
    /// `interrupted`, as the text listing says.
    package var status: String
    package var startedAt: String
    package var finishedAt: String?
    package var chapters: [String]
    /// The saved plan an `apply FILE` carried out.
    package var plan: String?
    package var undoes: [Int]
    package var undoneBy: Int?
    package var continuedBy: Int?
    package var pathCount: Int

    package init(_ manifest: SnapshotManifest) {
        id = manifest.id
        kind = manifest.kind.rawValue
        status = manifest.observedStatus.rawValue
        startedAt = manifest.startedAt
        finishedAt = manifest.finishedAt
        chapters = manifest.chapters
        plan = manifest.plan
        undoes = manifest.undoes
        undoneBy = manifest.undoneBy
        continuedBy = manifest.continuedBy
        pathCount = manifest.records.count
    }
}
