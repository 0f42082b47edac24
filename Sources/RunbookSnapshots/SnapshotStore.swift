import FoundationEssentials
import Glibc
import RunbookModel
import RunbookHost

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
    package let state: StateDirectory
    package let fileSystem = FileSystem()

    package init(state: StateDirectory) {
        self.state = state
    }

    /// The state directory, for messages.
    public var directory: String { state.path.description }

    /// Six digits at least, so that names sort in the order of the snapshots.
    package static func snapshotName(_ id: Int) -> String {
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

    /// More snapshots than any machine makes; a larger id is not one runbook gave, and the next id
    /// after it must not overflow.
    package static let largestID = Int(Int32.max)

    /// The ids of every snapshot folder. Anything else in `snapshots/` is refused, not skipped: a
    /// name runbook did not give (`7`, `0000007`, `-1`, `x`, an id beyond ``largestID``) or a file
    /// where a folder belongs could be a snapshot someone renamed, and would be left out of a rollback.
    public func ids() throws -> [Int] {
        guard let snapshots = try area("snapshots", creating: false) else { return [] }
        let listed = directory + "/snapshots"
        return try fileSystem.list(DirectoryEntry(directory: snapshots, name: ".", displayPath: listed)).map { name in
            let path = listed + "/" + name
            guard name.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let id = Int(name), (1...Self.largestID).contains(id),
                  Self.snapshotName(id) == name else {
                throw StateFile.corrupted(path, "is not a snapshot runbook made: snapshots are folders named 000001, 000002, … up to \(Self.largestID)",
                                          hint: "move it out of \(listed); runbook will not guess which snapshot it is")
            }
            guard let info = snapshots.status(name) else { throw HostError(path: path, operation: "inspect", errno: errno) }
            try StateFile.checkPrivate(info, path: path, directory: true)
            return id
        }.sorted()
    }

    /// Every snapshot, oldest first. One that cannot be read stops the command: leaving it out
    /// would make a rollback undo the wrong one.
    public func list() throws -> [SnapshotManifest] { try ids().compactMap { try load($0) } }

    /// The snapshot, or nil when there is none by that id or it never began (an apply killed before
    /// the first line of its journal was whole, so before it changed anything).
    public func load(_ id: Int) throws -> SnapshotManifest? {
        guard let folder = try snapshotFolder(id, creating: false) else { return nil }
        let manifestFile = StateFile(entry(folder, id, "manifest.json"))
        guard manifestFile.exists else {
            let journal = entry(folder, id, "journal.jsonl")
            let manifest = try SnapshotJournal.replay(journal, id: id)
            if let problem = manifest?.problem {
                throw StateFile.corrupted(journal.displayPath, problem, hint: "restore it from a backup of the state directory; runbook will not guess")
            }
            return manifest
        }
        let hint = "restore it from a backup of the state directory, or move it away: runbook then rebuilds the snapshot from "
            + "journal.jsonl beside it, which does not record a rollback that undid it since; runbook will not guess"
        let manifest = try manifestFile.decode(SnapshotManifest.self, as: "a snapshot manifest", hint: hint)
        guard manifest.id == id else {
            throw StateFile.corrupted(manifestFile.path, "is the manifest of snapshot \(manifest.id), not of \(id)", hint: hint)
        }
        if let problem = manifest.problem { throw StateFile.corrupted(manifestFile.path, problem, hint: hint) }
        return manifest
    }

    /// Writes the manifest; the journal stays as the record of how the snapshot was made.
    package func save(_ manifest: SnapshotManifest) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        guard let folder = try snapshotFolder(manifest.id, creating: false) else {
            throw HostError(path: "\(directory)/snapshots/\(Self.snapshotName(manifest.id))", operation: "write snapshot", errno: ENOENT)
        }
        try fileSystem.writeAtomically(entry(folder, manifest.id, "manifest.json"), data: try encoder.encode(manifest), mode: 0o600)
    }

    public func begin(kind: SnapshotManifest.Kind, runbook: String, target: String, chapters: [String],
                      undoes: [Int] = [], plan: String? = nil) throws -> SnapshotRecorder {
        try prepare()
        let id = (try ids().last ?? 0) + 1
        guard let folder = try snapshotFolder(id, creating: true) else {
            throw HostError(path: "\(directory)/snapshots/\(Self.snapshotName(id))", operation: "create snapshot", errno: ENOENT)
        }
        let manifest = SnapshotManifest(
            id: id, kind: kind, status: .running, startedAt: Clock.timestamp(), finishedAt: nil, runbook: runbook,
            target: target, chapters: chapters, processID: getpid(), records: [], handlersRun: [], packagesInstalled: [],
            undoes: undoes, undoneBy: nil, failure: nil, plan: plan)
        let journal = try SnapshotJournal(entry(folder, id, "journal.jsonl"), header: manifest)
        return SnapshotRecorder(store: self, manifest: manifest, journal: journal)
    }

    /// Keeps `content` as the blob named by its hash. A blob already there is kept only when its
    /// bytes still have that hash: the right ones are in hand, so a damaged blob is written again.
    public func storeBlob(_ content: Data) throws -> String {
        let hash = SHA256.hex(content)
        guard let blobs = try area("blobs", creating: true) else { return hash }
        let file = blobEntry(blobs, hash)
        if try !StateFile(file).exists || SHA256.hex(StateFile(file).read()) != hash {
            try fileSystem.writeAtomically(file, data: content, mode: 0o600)
        }
        return hash
    }

    /// The content a snapshot recorded, refused when it is missing or no longer has its hash.
    public func blob(_ hash: String) throws -> Data {
        let path = directory + "/blobs/" + hash
        let hint = "restore it from a backup of the state directory; runbook will not restore a file from content it cannot vouch for"
        guard hash.utf8.count == 64, isLowercaseHexadecimal(hash.utf8) else {
            throw StateFile.corrupted(path, "is not a blob name: a snapshot names content by its SHA-256, 64 hexadecimal digits", hint: hint)
        }
        guard let blobs = try area("blobs", creating: false), StateFile(blobEntry(blobs, hash)).exists else {
            throw StateFile.corrupted(path, "is missing: a snapshot needs it to put a file back", hint: hint)
        }
        let content = try StateFile(blobEntry(blobs, hash)).read()
        guard SHA256.hex(content) == hash else {
            throw StateFile.corrupted(path, "was changed: its content no longer has the SHA-256 it is named after", hint: hint)
        }
        return content
    }

    private func blobEntry(_ blobs: DirectoryHandle, _ hash: String) -> DirectoryEntry {
        DirectoryEntry(directory: blobs, name: hash, displayPath: directory + "/blobs/" + hash)
    }

    /// Snapshots whose process is gone without finishing them: an apply killed midway.
    public func unfinished() throws -> [SnapshotManifest] {
        // Only a snapshot without a manifest can be unfinished, so finished ones are never decoded:
        // `plan` stays as fast with a long history as with none.
        try ids().filter { id in try snapshotFolder(id, creating: false)?.status("manifest.json") == nil }
            .compactMap { try load($0) }
            .filter(\.wasKilled)
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
        guard var manifest = try load(id) else {
            throw HostError(path: "\(directory)/snapshots/\(Self.snapshotName(id))", operation: "update", errno: ENOENT)
        }
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
        guard let newest = try ids().last, let manifest = try load(newest) else { return nil }
        return isUnfinishedRollback(manifest) ? manifest : nil
    }

    private func isUnfinishedRollback(_ manifest: SnapshotManifest) -> Bool {
        guard manifest.kind == .rollback, manifest.continuedBy == nil, manifest.undoneBy == nil else { return false }
        return manifest.observedStatus == .interrupted
    }
}
