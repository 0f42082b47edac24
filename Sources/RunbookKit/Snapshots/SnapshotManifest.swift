import FoundationEssentials
import Glibc

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

    public var idText: String { String(id) }
}
