import FoundationEssentials
import Glibc
import RunbookModel
import RunbookHost

/// Records one snapshot as it is made: the prior state of each path before its first change,
/// its state after, handlers run and packages installed. Every entry reaches the disk before
/// the change it describes.
public final class SnapshotRecorder {
    public let store: SnapshotStore
    public private(set) var manifest: SnapshotManifest
    private let journal: SnapshotJournal
    private var recordedPaths: Set<String> = []
    private var chapterPaths: Set<String> = []
    /// Each path the current chapter changed, with its state when the chapter first touched it:
    /// what restoring the chapter alone puts back. Not journaled: a kill leaves the whole apply to undo.
    public private(set) var chapterBaseline: [PathRecord] = []
    /// The handlers run since the current chapter began.
    public private(set) var chapterHandlers: [String] = []
    /// Whether the chapters before the current one changed paths or installed packages.
    public private(set) var earlierChaptersChanged = false

    package init(store: SnapshotStore, manifest: SnapshotManifest, journal: SnapshotJournal) {
        self.store = store
        self.manifest = manifest
        self.journal = journal
    }

    public var id: Int { manifest.id }

    /// Starts a chapter: what it changes from here on can be restored without touching earlier chapters.
    public func beginChapter() {
        earlierChaptersChanged = !manifest.records.isEmpty || !manifest.packagesInstalled.isEmpty
        chapterPaths = []
        chapterBaseline = []
        chapterHandlers = []
    }

    /// Records what is at `path` now, unless this snapshot already holds its prior state.
    /// Whether content holds a secret the runbook knows now; set by the applier.
    package var contentHoldsSecret: @Sendable (Data) -> Bool = { _ in false }

    public func recordBefore(_ path: String, on host: any Host, stepID: String, notifies: [String], sensitive: Bool) throws {
        guard chapterPaths.insert(path).inserted else { return }
        let (state, content) = try PathState.observe(path, on: host)
        if let content { _ = try store.storeBlob(content) }
        // What was there may hold a secret the new content doesn't: a rollback must not show it either.
        let holdsSecret = sensitive || content.map(contentHoldsSecret) == true
        let record = PathRecord(path: path, stepID: stepID, notifies: notifies, before: state, after: nil, sensitive: holdsSecret)
        chapterBaseline.append(record)
        guard recordedPaths.insert(path).inserted else { return }
        try journal.append(SnapshotJournal.Entry(event: .before, record: record))
        manifest.records.append(record)
    }

    /// Records a path that appeared while a script ran, inside a tree it said it makes: absent
    /// before, so that a rollback removes it.
    public func recordAppeared(_ path: String, on host: any Host, stepID: String, notifies: [String]) throws {
        guard chapterPaths.insert(path).inserted else { return }
        let record = PathRecord(path: path, stepID: stepID, notifies: notifies, before: .absent, after: nil, sensitive: true)
        chapterBaseline.append(record)
        if recordedPaths.insert(path).inserted {
            try journal.append(SnapshotJournal.Entry(event: .before, record: record))
            manifest.records.append(record)
        }
        try recordAfter(path, on: host)
    }

    /// Takes over the records of rollbacks that stopped midway, oldest first: the first record of a
    /// path holds its state before any of them touched it, so undoing this rollback puts back what
    /// all of them changed.
    package func carry(_ stopped: [SnapshotManifest]) throws {
        for record in stopped.sorted(by: { $0.id < $1.id }).flatMap(\.records) where recordedPaths.insert(record.path).inserted {
            try journal.append(SnapshotJournal.Entry(event: .before, record: record))
            manifest.records.append(record)
        }
    }

    public func recordAfter(_ path: String, on host: any Host) throws {
        let (state, content) = try PathState.observe(path, on: host)
        if let content { _ = try store.storeBlob(content) }
        try journal.append(SnapshotJournal.Entry(event: .after, path: path, state: state))
        if let index = manifest.records.lastIndex(where: { $0.path == path }) {
            manifest.records[index].after = state
        }
    }

    public func recordHandler(_ name: String) throws {
        try journal.append(SnapshotJournal.Entry(event: .handler, names: [name]))
        manifest.handlersRun.append(name)
        chapterHandlers.append(name)
    }

    public func recordPackages(_ names: [String]) throws {
        try journal.append(SnapshotJournal.Entry(event: .packages, names: names))
        manifest.packagesInstalled += names
    }

    /// `chapters`, when given, are the ones it went through, for an apply that stopped before the end.
    public func finish(_ status: SnapshotManifest.Status, failure: String? = nil, chapters: [String]? = nil) throws {
        let finishedAt = Clock.timestamp()
        try journal.append(SnapshotJournal.Entry(event: .end, status: status, failure: failure, at: finishedAt, chapters: chapters))
        if let chapters { manifest.chapters = chapters }
        manifest.status = status
        manifest.failure = failure
        manifest.finishedAt = finishedAt
        try store.save(manifest)
    }
}
