import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookHost

/// `kind: "snapshot"`: what one snapshot recorded, for `snapshots show ID --json`. Paths, states
/// and hashes only: content stays in the state directory's blobs, and the hash of content that
/// may hold a secret is withheld as the content is. Versioned by the rules of docs/JSON.md.
package struct SnapshotDetailDocument: Encodable {
    package let formatVersion = "1.1"
    package let kind = "snapshot"
    package var stateDirectory: String
    /// The entry `snapshots --json` lists for it.
    package var snapshot: SnapshotEntryDocument
    package var runbook: String
    package var target: String
    package var failure: String?
    package var handlersRun: [String]
    package var packagesInstalled: [String]
    package var records: [Record]

    package struct Record: Encodable {
        package var path: String
        package var stepID: String
        package var sensitive: Bool
        package var before: PathStateDocument
        /// Absent when the change never finished: the apply was killed midway.
        package var after: PathStateDocument?

        package init(_ record: PathRecord) {
            path = record.path
            stepID = record.stepID
            sensitive = record.sensitive
            before = PathStateDocument(record.before, withholdingHash: record.sensitive)
            after = record.after.map { PathStateDocument($0, withholdingHash: record.sensitive) }
        }
    }

    package init(stateDirectory: String, manifest: SnapshotManifest) {
        self.stateDirectory = stateDirectory
        snapshot = SnapshotEntryDocument(manifest)
        runbook = manifest.runbook
        target = manifest.target
        failure = manifest.failure
        handlersRun = manifest.handlersRun
        packagesInstalled = manifest.packagesInstalled
        records = manifest.records.map(Record.init)
    }
}
