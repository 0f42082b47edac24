import FoundationEssentials
import Glibc

/// The snapshots in a state directory: `snapshots/NNNNNN/` each with a journal that is
/// appended and fsynced before every change, a `manifest.json` written when it ends, and
/// content-addressed blobs in `blobs/`, all mode 0600 in 0700 directories. Every one of them is
/// opened through the state directory's descriptor, never through a link.
///
/// ```
/// /var/lib/runbook/
///   snapshots/000003/journal.jsonl
///   snapshots/000003/manifest.json
///   blobs/9f86d081884c7d65...
/// ```
public struct SnapshotStore: Sendable {
    let state: StateDirectory
    let fileSystem = FileSystem()

    init(state: StateDirectory) {
        self.state = state
    }

    /// The state directory, for messages.
    public var directory: String { state.path.description }

    /// Six digits at least, so that names sort in the order of the snapshots.
    static func snapshotName(_ id: Int) -> String {
        let digits = String(id)
        return String(repeating: "0", count: max(0, 6 - digits.count)) + digits
    }

    /// `snapshots/` or `blobs/` in the state directory; nil when either is missing and not `creating`.
    private func area(_ name: String, creating: Bool) throws -> DirectoryHandle? {
        guard let top = creating ? try state.openCreating() : try state.open(creating: false) else { return nil }
        return try StateDirectory.subdirectory(name, of: top, displayPath: directory + "/" + name, creating: creating)
    }

    /// A snapshot's folder, for messages.
    public func displayPath(of id: Int) -> String { "\(directory)/snapshots/\(Self.snapshotName(id))" }

    private func snapshotFolder(_ id: Int, creating: Bool) throws -> DirectoryHandle? {
        guard let snapshots = try area("snapshots", creating: creating) else { return nil }
        let name = Self.snapshotName(id)
        return try StateDirectory.subdirectory(name, of: snapshots, displayPath: directory + "/snapshots/" + name, creating: creating)
    }

    private func entry(_ folder: DirectoryHandle, _ id: Int, _ name: String) -> DirectoryEntry {
        DirectoryEntry(directory: folder, name: name, displayPath: "\(directory)/snapshots/\(Self.snapshotName(id))/\(name)")
    }

    /// Creates the state directory layout with private modes.
    public func prepare() throws {
        _ = try area("snapshots", creating: true)
        _ = try area("blobs", creating: true)
    }

    public func ids() throws -> [Int] {
        guard let snapshots = try area("snapshots", creating: false) else { return [] }
        return try fileSystem.list(DirectoryEntry(directory: snapshots, name: ".", displayPath: directory + "/snapshots"))
            .compactMap(Int.init).sorted()
    }

    public func list() throws -> [SnapshotManifest] { try ids().compactMap { try? load($0) } }

    public func load(_ id: Int) throws -> SnapshotManifest {
        guard let folder = try snapshotFolder(id, creating: false) else {
            throw HostError(path: "\(directory)/snapshots/\(Self.snapshotName(id))", operation: "read snapshot", errno: ENOENT)
        }
        if folder.status("manifest.json") != nil {
            let data = try fileSystem.read(entry(folder, id, "manifest.json"))
            return try JSONDecoder().decode(SnapshotManifest.self, from: data)
        }
        return try SnapshotJournal.replay(entry(folder, id, "journal.jsonl"))
    }

    /// Writes the manifest; the journal stays as the record of how the snapshot was made.
    func save(_ manifest: SnapshotManifest) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard let folder = try snapshotFolder(manifest.id, creating: false) else {
            throw HostError(path: "\(directory)/snapshots/\(Self.snapshotName(manifest.id))", operation: "write snapshot", errno: ENOENT)
        }
        try fileSystem.writeAtomically(entry(folder, manifest.id, "manifest.json"), data: try encoder.encode(manifest), mode: 0o600)
    }

    public func begin(kind: SnapshotManifest.Kind, runbook: String, target: String, chapters: [String],
                      undoes: [Int] = []) throws -> SnapshotRecorder {
        try prepare()
        let id = (try ids().last ?? 0) + 1
        guard let folder = try snapshotFolder(id, creating: true) else {
            throw HostError(path: "\(directory)/snapshots/\(Self.snapshotName(id))", operation: "create snapshot", errno: ENOENT)
        }
        let manifest = SnapshotManifest(
            id: id, kind: kind, status: .running, startedAt: Self.timestamp(), finishedAt: nil, runbook: runbook,
            target: target, chapters: chapters, processID: getpid(), records: [], handlersRun: [], packagesInstalled: [],
            undoes: undoes, undoneBy: nil, failure: nil)
        let journal = try SnapshotJournal(entry(folder, id, "journal.jsonl"), header: manifest)
        return SnapshotRecorder(store: self, manifest: manifest, journal: journal)
    }

    public func storeBlob(_ content: Data) throws -> String {
        let hash = SHA256.hex(content)
        guard let blobs = try area("blobs", creating: true) else { return hash }
        if blobs.status(hash) == nil {
            try fileSystem.writeAtomically(DirectoryEntry(directory: blobs, name: hash, displayPath: directory + "/blobs/" + hash),
                                           data: content, mode: 0o600)
        }
        return hash
    }

    public func blob(_ hash: String) throws -> Data {
        let path = directory + "/blobs/" + hash
        guard let blobs = try area("blobs", creating: false) else { throw HostError(path: path, operation: "read", errno: ENOENT) }
        return try fileSystem.read(DirectoryEntry(directory: blobs, name: hash, displayPath: path))
    }

    /// Snapshots whose process is gone without finishing them: an apply killed midway.
    public func unfinished() throws -> [SnapshotManifest] {
        // Only a snapshot without a manifest can be unfinished, so finished ones are never decoded:
        // `plan` stays as fast with a long history as with none.
        try ids().filter { id in (try? snapshotFolder(id, creating: false))?.status("manifest.json") == nil }
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
        for id in ids { try update(id) { $0.undoneBy = rollback } }
    }

    /// Marks stopped rollbacks as taken over by `rollback`, which carries their records from now on.
    public func markContinued(_ ids: [Int], by rollback: Int) throws {
        for id in ids {
            try update(id) { manifest in
                manifest.continuedBy = rollback
                if manifest.status == .running { manifest.status = .interrupted }
            }
        }
    }

    private func update(_ id: Int, _ change: (inout SnapshotManifest) -> Void) throws {
        var manifest = try load(id)
        change(&manifest)
        try save(manifest)
    }

    /// Rollbacks that stopped midway (killed, or failed) and that no later rollback took over:
    /// some paths are back as they were, others not, until `runbook rollback` finishes them.
    public func unfinishedRollbacks() throws -> [SnapshotManifest] {
        try list().filter(isUnfinishedRollback)
    }

    /// The newest snapshot, when it is an unfinished rollback. While one is unfinished, apply is
    /// refused and rollback only finishes it, so nothing is recorded after it but the rollback that
    /// takes it over: looking at the newest alone is enough, and `plan` stays as fast with a long history.
    public func newestUnfinishedRollback() throws -> SnapshotManifest? {
        guard let newest = try ids().last, let manifest = try? load(newest) else { return nil }
        return isUnfinishedRollback(manifest) ? manifest : nil
    }

    private func isUnfinishedRollback(_ manifest: SnapshotManifest) -> Bool {
        guard manifest.kind == .rollback, manifest.continuedBy == nil, manifest.undoneBy == nil else { return false }
        switch manifest.status {
        case .interrupted: return true
        case .running: return manifest.processID != getpid() && !ProcessLiveness.isAlive(manifest.processID)
        case .succeeded, .failed: return false
        }
    }

    static func timestamp() -> String {
        Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
