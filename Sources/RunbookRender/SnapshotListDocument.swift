import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookHost

/// `kind: "snapshots"`: every snapshot in the state directory, oldest first. Versioned by the
/// rules of docs/JSON.md.
package struct SnapshotListDocument: Encodable {
    package let formatVersion = "1.1"
    package let kind = "snapshots"
    package var stateDirectory: String
    package var snapshots: [SnapshotEntryDocument]

    package init(stateDirectory: String, manifests: [SnapshotManifest]) {
        self.stateDirectory = stateDirectory
        snapshots = manifests.map(SnapshotEntryDocument.init)
    }
}
