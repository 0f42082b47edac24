import FoundationEssentials
import Glibc
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookHost

/// Restores the state from before an apply: the last one, or a named one and every one after it.
///
/// `runbook rollback` undoes the newest snapshot not yet undone; `runbook rollback 3` undoes
/// snapshot 3 and everything recorded after it, newest first. A rollback is recorded as a
/// snapshot of its own, so it can be undone the same way. Drift (a managed path changed by hand
/// since) stops it unless forced; forced, the hand edit is still kept in the rollback's snapshot.
/// A rollback that stopped midway is finished by the next one, which takes over its records, so
/// nothing else is rolled back (nor applied) until it is.
public struct Rollback {
    /// What one rollback does: undo `undo`, newest first, finishing the rollbacks in `finishing` on the way.
    public struct Targets: Sendable {
        public var undo: [SnapshotManifest]
        public var finishing: [SnapshotManifest]
    }

    public struct Outcome: Sendable {
        public var undone: [Int]
        public var snapshotID: Int?
        public var restored: [String]
        public var packagesKept: [String]
    }

    public enum RollbackError: Error, CustomStringConvertible {
        case nothingToUndo
        case unknownSnapshot(String)
        case drift([String])
        /// The rollback recorded as snapshot `snapshot` changed some paths and then failed.
        case stopped(snapshot: Int, cause: String)

        public var description: String {
            switch self {
            case .nothingToUndo: "there is no snapshot to roll back"
            case .unknownSnapshot(let id): "snapshot \(id) does not exist or is already undone"
            case .drift(let paths): "\(paths.count) managed path\(paths.count == 1 ? " was" : "s were") changed since: \(paths.joined(separator: ", "))"
            case .stopped(let snapshot, let cause): "rollback snapshot \(snapshot) stopped midway: \(cause)"
            }
        }
    }

    package let host: any Host
    package let state: StateDirectory
    package let handlers: [HandlerStep]?
    package let report: (ApplyEvent) -> Void

    public init(host: any Host, state: StateDirectory, handlers: [HandlerStep]?, report: @escaping (ApplyEvent) -> Void) {
        self.host = host
        self.state = state
        self.handlers = handlers
        self.report = report
    }

    /// The snapshots to undo, newest first: those a rollback that stopped midway was undoing when
    /// there is one (it is finished first, and `requested` may only name it or the snapshot it
    /// rolls back to, as a retry does), else the newest one not yet undone, or `requested` and
    /// every one after it.
    public func targets(_ requested: String?) throws -> Targets {
        let stopped = try state.snapshots.unfinishedRollbacks()
        if let newest = stopped.last {
            if let requested, Int(requested) != newest.id, Int(requested) != newest.undoes.min() {
                throw Diagnostic("rollback snapshot \(newest.id) did not finish, so nothing else can be rolled back before it is",
                                 origin: "rollback \(requested)", hint: "run `runbook rollback` to finish it first")
            }
            let ids = Set(stopped.flatMap(\.undoes)).sorted(by: >)
            let undo = try ids.map { id in
                guard let manifest = try state.snapshots.load(id) else {
                    throw Diagnostic("rollback snapshot \(newest.id) did not finish undoing snapshot \(id), which is gone",
                                     origin: state.snapshots.displayPath(of: id),
                                     hint: "restore that snapshot from a backup of the state directory; runbook will not guess")
                }
                return manifest
            }
            return Targets(undo: undo, finishing: stopped)
        }
        let candidates = try state.snapshots.list()
            .filter { $0.undoneBy == nil && $0.continuedBy == nil && $0.status != .failed }
            .sorted { $0.id > $1.id }
        guard let requested else {
            guard let newest = candidates.first else { throw RollbackError.nothingToUndo }
            return Targets(undo: [newest], finishing: [])
        }
        guard let id = Int(requested), candidates.contains(where: { $0.id == id }) else {
            throw RollbackError.unknownSnapshot(requested)
        }
        return Targets(undo: candidates.filter { $0.id >= id }, finishing: [])
    }

    package func drift(of targets: Targets) throws -> [Restorer.Drift] {
        try inspector.drift(in: targets.undo)
    }

    /// A restorer that only looks.
    private var inspector: Restorer {
        Restorer(host: host, store: state.snapshots, executor: ChangeExecutor(host: host, recorder: nil))
    }

    public func run(_ targets: Targets, runbook: String) throws -> Outcome {
        try inspector.checkContent(for: targets.undo)
        let undone = targets.undo.map(\.id)
        let recorder = try state.snapshots.begin(kind: .rollback, runbook: runbook, target: host.displayName,
                                                  chapters: [], undoes: undone)
        try recorder.carry(targets.finishing)
        try state.snapshots.markContinued(targets.finishing.map(\.id), by: recorder.id)
        let restorer = Restorer(host: host, store: state.snapshots, executor: ChangeExecutor(host: host, recorder: recorder))
        var restored: [String] = []
        do {
            for manifest in targets.undo {
                let paths = try restorer.restore(manifest)
                for path in paths {
                    report(.restored(path: path, to: try PathState.observe(path, on: host).0))
                }
                restored += paths
            }
        } catch {
            try recorder.finish(.interrupted, failure: "\(error)")
            throw RollbackError.stopped(snapshot: recorder.id, cause: "\(error)")
        }
        try rerunHandlers(for: targets.undo, recorder: recorder)
        // Marked before this rollback is finished: killed in between, it is finished by the next one.
        try state.snapshots.markUndone(undone, by: recorder.id)
        try recorder.finish(.succeeded)
        return Outcome(undone: undone, snapshotID: recorder.id, restored: restored,
                       packagesKept: targets.undo.flatMap(\.packagesInstalled))
    }

    private func rerunHandlers(for targets: [SnapshotManifest], recorder: SnapshotRecorder) throws {
        let wanted = Set(targets.flatMap { $0.records.flatMap(\.notifies) })
        guard !wanted.isEmpty else { return }
        guard let handlers else {
            report(.notice("the runbook could not be loaded, so these handlers were not rerun: \(wanted.sorted().joined(separator: ", "))"))
            return
        }
        for handler in handlers where wanted.contains(handler.name) {
            if let skipped = TargetPolicy(host: host).skipReason(for: .handlers) {
                report(.handler(handler.info, name: handler.name, skipped: skipped, seconds: nil))
                continue
            }
            try recorder.recordHandler(handler.name)
            report(.handlerRerun(name: handler.name, result: try host.run(handler.script)))
        }
    }
}
