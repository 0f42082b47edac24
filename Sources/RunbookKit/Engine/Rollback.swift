import FoundationEssentials
import Glibc

/// Restores the state from before an apply: the last one, or a named one and every one after it.
///
/// `runbook rollback` undoes the newest snapshot not yet undone; `runbook rollback 3` undoes
/// snapshot 3 and everything recorded after it, newest first. A rollback is recorded as a
/// snapshot of its own, so it can be undone the same way. Drift (a managed path changed by hand
/// since) stops it unless forced; forced, the hand edit is still kept in the rollback's snapshot.
public struct Rollback {
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

        public var description: String {
            switch self {
            case .nothingToUndo: "there is no snapshot to roll back"
            case .unknownSnapshot(let id): "snapshot \(id) does not exist or is already undone"
            case .drift(let paths): "\(paths.count) managed path\(paths.count == 1 ? " was" : "s were") changed since: \(paths.joined(separator: ", "))"
            }
        }
    }

    let host: any Host
    let state: StateDirectory
    let handlers: [HandlerStep]?
    let report: (ApplyEvent) -> Void

    public init(host: any Host, state: StateDirectory, handlers: [HandlerStep]?, report: @escaping (ApplyEvent) -> Void) {
        self.host = host
        self.state = state
        self.handlers = handlers
        self.report = report
    }

    /// The snapshots to undo, newest first.
    public func targets(_ requested: String?) throws -> [SnapshotManifest] {
        let candidates = try state.snapshots.list()
            .filter { $0.undoneBy == nil && $0.status != .failed }
            .sorted { $0.id > $1.id }
        guard let requested else {
            guard let newest = candidates.first else { throw RollbackError.nothingToUndo }
            return [newest]
        }
        guard let id = Int(requested), candidates.contains(where: { $0.id == id }) else {
            throw RollbackError.unknownSnapshot(requested)
        }
        return candidates.filter { $0.id >= id }
    }

    func drift(of targets: [SnapshotManifest]) throws -> [Restorer.Drift] {
        try Restorer(host: host, store: state.snapshots, executor: ChangeExecutor(host: host, recorder: nil)).drift(in: targets)
    }

    public func run(_ targets: [SnapshotManifest], runbook: String) throws -> Outcome {
        let recorder = try state.snapshots.begin(kind: .rollback, runbook: runbook, target: host.displayName,
                                                  chapters: [], undoes: targets.map(\.id))
        let restorer = Restorer(host: host, store: state.snapshots, executor: ChangeExecutor(host: host, recorder: recorder))
        var restored: [String] = []
        do {
            for manifest in targets {
                let paths = try restorer.restore(manifest)
                for path in paths {
                    report(.restored(path: path, to: try PathState.observe(path, on: host).0))
                }
                restored += paths
            }
        } catch {
            try recorder.finish(.failed, failure: "\(error)")
            throw error
        }
        try rerunHandlers(for: targets, recorder: recorder)
        try recorder.finish(.succeeded)
        try state.snapshots.markUndone(targets.map(\.id), by: recorder.id)
        return Outcome(undone: targets.map(\.id), snapshotID: recorder.id, restored: restored,
                       packagesKept: targets.flatMap(\.packagesInstalled))
    }

    private func rerunHandlers(for targets: [SnapshotManifest], recorder: SnapshotRecorder) throws {
        let wanted = Set(targets.flatMap { $0.records.flatMap(\.notifies) })
        guard !wanted.isEmpty else { return }
        guard let handlers else {
            report(.notice("the runbook could not be loaded, so these handlers were not rerun: \(wanted.sorted().joined(separator: ", "))"))
            return
        }
        for handler in handlers where wanted.contains(handler.name) {
            guard host.runsProcesses else {
                report(.handler(name: handler.name, skipped: "--root: handlers do not run"))
                continue
            }
            try recorder.recordHandler(handler.name)
            let result = try host.run(handler.script)
            report(.handlerRerun(name: handler.name, outcome: result.succeeded ? "ok" : "exited \(result.status): \(result.output)"))
        }
    }
}
