/// One snapshot as `snapshots --json` lists it, and as `snapshots show ID --json` begins.
struct SnapshotEntryDocument: Encodable {
    var id: Int
    /// `apply` or `rollback`.
    var kind: String
    /// As it is now: a snapshot whose manifest still says `running` but whose process is gone is
    /// `interrupted`, as the text listing says.
    var status: String
    var startedAt: String
    var finishedAt: String?
    var chapters: [String]
    /// The saved plan an `apply FILE` carried out.
    var plan: String?
    var undoes: [Int]
    var undoneBy: Int?
    var continuedBy: Int?
    var pathCount: Int

    init(_ manifest: SnapshotManifest) {
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
