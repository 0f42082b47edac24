/// `kind: "snapshot"`: what one snapshot recorded, for `snapshots show ID --json`. Paths, states
/// and hashes only: content stays in the state directory's blobs, and the hash of content that
/// may hold a secret is withheld as the content is. Versioned by the rules of docs/JSON.md.
struct SnapshotDetailDocument: Encodable {
    let formatVersion = "1.0"
    let kind = "snapshot"
    var stateDirectory: String
    /// The entry `snapshots --json` lists for it.
    var snapshot: SnapshotEntryDocument
    var runbook: String
    var target: String
    var failure: String?
    var handlersRun: [String]
    var packagesInstalled: [String]
    var records: [Record]

    struct Record: Encodable {
        var path: String
        var stepID: String
        var sensitive: Bool
        var before: PathStateDocument
        /// Absent when the change never finished: the apply was killed midway.
        var after: PathStateDocument?

        init(_ record: PathRecord) {
            path = record.path
            stepID = record.stepID
            sensitive = record.sensitive
            before = PathStateDocument(record.before, withholdingHash: record.sensitive)
            after = record.after.map { PathStateDocument($0, withholdingHash: record.sensitive) }
        }
    }

    init(stateDirectory: String, manifest: SnapshotManifest) {
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
