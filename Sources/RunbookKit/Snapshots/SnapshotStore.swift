import FoundationEssentials
import Glibc

/// The snapshots in a state directory: `snapshots/NNNNNN/` each with a journal that is
/// appended and fsynced before every change, a `manifest.json` written when it ends, and
/// content-addressed blobs in `blobs/`, all mode 0600 in 0700 directories.
///
/// ```
/// /var/lib/runbook/
///   snapshots/000003/journal.jsonl
///   snapshots/000003/manifest.json
///   blobs/9f86d081884c7d65...
/// ```
public struct SnapshotStore: Sendable {
    public let directory: String
    let fileSystem = FileSystem()

    public init(stateDirectory: String) {
        directory = stateDirectory
    }

    var snapshotsDirectory: String { directory + "/snapshots" }
    var blobsDirectory: String { directory + "/blobs" }

    /// Six digits at least, so that names sort in the order of the snapshots.
    func snapshotDirectory(_ id: Int) -> String {
        let digits = String(id)
        return snapshotsDirectory + "/" + String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    /// Creates the state directory layout with private modes.
    public func prepare() throws {
        for path in [directory, snapshotsDirectory, blobsDirectory] {
            try StateDirectory.makePrivateDirectory(path)
        }
    }

    public func ids() throws -> [Int] {
        guard FileManager.default.fileExists(atPath: snapshotsDirectory) else { return [] }
        return try fileSystem.list(real: snapshotsDirectory, displayPath: snapshotsDirectory).compactMap(Int.init).sorted()
    }

    public func list() throws -> [SnapshotManifest] { try ids().compactMap { try? load($0) } }

    public func load(_ id: Int) throws -> SnapshotManifest {
        let folder = snapshotDirectory(id)
        let manifestPath = folder + "/manifest.json"
        if FileManager.default.fileExists(atPath: manifestPath) {
            let data = try fileSystem.read(real: manifestPath, displayPath: manifestPath)
            return try JSONDecoder().decode(SnapshotManifest.self, from: data)
        }
        return try SnapshotJournal.replay(folder + "/journal.jsonl")
    }

    /// Writes the manifest; the journal stays as the record of how the snapshot was made.
    func save(_ manifest: SnapshotManifest) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let path = snapshotDirectory(manifest.id) + "/manifest.json"
        try fileSystem.writeAtomically(real: path, displayPath: path, data: try encoder.encode(manifest), mode: 0o600)
    }

    public func begin(kind: SnapshotManifest.Kind, runbook: String, target: String, chapters: [String],
                      undoes: [Int] = []) throws -> SnapshotRecorder {
        try prepare()
        let id = (try ids().last ?? 0) + 1
        try StateDirectory.makePrivateDirectory(snapshotDirectory(id))
        let manifest = SnapshotManifest(
            id: id, kind: kind, status: .running, startedAt: Self.timestamp(), finishedAt: nil, runbook: runbook,
            target: target, chapters: chapters, processID: getpid(), records: [], handlersRun: [], packagesInstalled: [],
            undoes: undoes, undoneBy: nil, failure: nil)
        let journal = try SnapshotJournal(path: snapshotDirectory(id) + "/journal.jsonl", header: manifest)
        return SnapshotRecorder(store: self, manifest: manifest, journal: journal)
    }

    public func storeBlob(_ content: Data) throws -> String {
        let hash = SHA256.hex(content)
        let path = blobsDirectory + "/" + hash
        if !FileManager.default.fileExists(atPath: path) {
            try fileSystem.writeAtomically(real: path, displayPath: path, data: content, mode: 0o600)
        }
        return hash
    }

    public func blob(_ hash: String) throws -> Data {
        let path = blobsDirectory + "/" + hash
        return try fileSystem.read(real: path, displayPath: path)
    }

    /// Snapshots whose process is gone without finishing them: an apply killed midway.
    public func unfinished() throws -> [SnapshotManifest] {
        // Only a snapshot without a manifest can be unfinished, so finished ones are never decoded:
        // `plan` stays as fast with a long history as with none.
        try ids().filter { !FileManager.default.fileExists(atPath: snapshotDirectory($0) + "/manifest.json") }
            .compactMap { try? load($0) }
            .filter { $0.status == .running && $0.processID != getpid() && !ProcessLiveness.isAlive($0.processID) }
    }

    /// Marks an unfinished snapshot as interrupted, so that it is reported once and rolled back by id.
    public func markInterrupted(_ manifest: SnapshotManifest) throws {
        var updated = manifest
        updated.status = .interrupted
        try save(updated)
    }

    public func markUndone(_ ids: [Int], by rollback: Int) throws {
        for id in ids {
            var manifest = try load(id)
            manifest.undoneBy = rollback
            try save(manifest)
        }
    }

    static func timestamp() -> String {
        Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
