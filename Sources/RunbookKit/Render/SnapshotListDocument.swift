/// `kind: "snapshots"`: every snapshot in the state directory, oldest first. Versioned by the
/// rules of docs/JSON.md.
struct SnapshotListDocument: Encodable {
    let formatVersion = "1.0"
    let kind = "snapshots"
    var stateDirectory: String
    var snapshots: [SnapshotEntryDocument]

    init(stateDirectory: String, manifests: [SnapshotManifest]) {
        self.stateDirectory = stateDirectory
        snapshots = manifests.map(SnapshotEntryDocument.init)
    }
}
