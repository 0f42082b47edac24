import FoundationEssentials
import Glibc
import RunbookModel
import RunbookHost

/// The JSON manifest of one snapshot: what an apply or a rollback touched, and how it ended.
///
/// It names paths, modes, link targets and content hashes; content lives in blobs. It never
/// holds a secret value.
public struct SnapshotManifest: Sendable, Codable {
    public enum Kind: String, Sendable, Codable { case apply, rollback }
    public enum Status: String, Sendable, Codable {
        /// Still running, or killed midway when its process is gone.
        case running
        case succeeded
        /// Failed, and its changes were restored.
        case failed
        /// Failed in one chapter, whose changes were restored; the chapters before it converged,
        /// passed their checks and stay applied. `runbook rollback` undoes them.
        case partial
        /// Stopped at the operator's request (`apply --step`, answered `q`): what it carried out stays
        /// applied, and it names only the chapters it went through. `runbook rollback` undoes it.
        case stopped
        /// Stopped midway with its changes left in place: killed (found later by the next command), or
        /// failed and then failed to restore; or a rollback that failed midway. `runbook rollback`
        /// undoes an apply, and finishes a rollback.
        case interrupted
    }

    public var id: Int
    public var kind: Kind
    public var status: Status
    public var startedAt: String
    public var finishedAt: String?
    public var runbook: String
    public var target: String
    public var chapters: [String]
    public var processID: Int32
    public var records: [PathRecord]
    public var handlersRun: [String]
    public var packagesInstalled: [String]
    /// For a rollback: the snapshots it undid.
    public var undoes: [Int]
    /// The rollback that undid this snapshot, if one did.
    public var undoneBy: Int?
    /// For a rollback that stopped midway: the later rollback that took over its records and finished it.
    public var continuedBy: Int?
    public var failure: String?
    /// For an apply of a saved plan (`runbook apply FILE`): the plan's id, so it is applied at most once.
    public var plan: String?

    package init(id: Int, kind: Kind, status: Status, startedAt: String, finishedAt: String? = nil, runbook: String, target: String, chapters: [String], processID: Int32, records: [PathRecord], handlersRun: [String], packagesInstalled: [String], undoes: [Int], undoneBy: Int? = nil, continuedBy: Int? = nil, failure: String? = nil, plan: String? = nil) {
        self.id = id
        self.kind = kind
        self.status = status
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.runbook = runbook
        self.target = target
        self.chapters = chapters
        self.processID = processID
        self.records = records
        self.handlersRun = handlersRun
        self.packagesInstalled = packagesInstalled
        self.undoes = undoes
        self.undoneBy = undoneBy
        self.continuedBy = continuedBy
        self.failure = failure
        self.plan = plan
    }

    public var idText: String { String(id) }
}

extension SnapshotManifest {
    /// Recorded as running, but its process is gone: killed midway, and not yet marked interrupted
    /// by a command that took the lock since.
    package var wasKilled: Bool { status == .running && processID != getpid() && !ProcessLiveness.isAlive(processID) }

    /// The status as it is, not as the manifest last said: a killed snapshot is interrupted.
    package var observedStatus: Status { wasKilled ? .interrupted : status }

    /// What in it runbook never records, or nil: a rollback must never fill a gap with a guess (a
    /// mode of 0644, an empty link target, a path relative to wherever it runs).
    package var problem: String? {
        for (index, record) in records.enumerated() {
            // As a step may name it: absolute, without `.` or `..`.
            let components = record.path.split(separator: "/")
            guard record.path.hasPrefix("/"), !record.path.utf8.contains(0), !components.contains(where: { $0 == "." || $0 == ".." }) else {
                return "record \(index + 1) names the path \(record.path), not an absolute path runbook manages"
            }
            for (when, state) in [("before", record.before), ("after", record.after)] {
                guard let state else { continue }
                if let missing = state.missingField {
                    return "record \(index + 1) (\(record.path)) says it was a \(state.kind.rawValue) \(when) without its \(missing)"
                }
                if let hash = state.sha256, hash.utf8.count != 64 || !hash.utf8.allSatisfy({ (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }) {
                    return "record \(index + 1) (\(record.path)) names its content \(when) by '\(hash)', which is no SHA-256 runbook writes"
                }
                if let mode = state.mode, mode > 0o7777 {
                    return "record \(index + 1) (\(record.path)) gives it the mode \(String(mode, radix: 8)) \(when), which no file has"
                }
            }
        }
        return nil
    }
}

extension PathState {
    /// The field this kind of state always carries and this one lacks.
    package var missingField: String? {
        switch kind {
        case .file: sha256 == nil ? "content hash" : mode == nil ? "mode" : nil
        case .directory: mode == nil ? "mode" : nil
        case .symlink: linkTarget == nil ? "link target" : nil
        case .absent, .other: nil
        }
    }
}
