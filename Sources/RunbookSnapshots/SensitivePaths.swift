import RunbookModel
import RunbookHost

extension SnapshotStore {
    /// Every path a snapshot recorded as holding a secret. Such a file is never diffed again, even
    /// once the runbook no longer knows the secret it held: a rotated key, or a state directory
    /// whose secrets file was lost while its snapshots were kept.
    public func sensitivePaths() throws -> Set<String> {
        Set(try list().flatMap { $0.records.filter(\.sensitive).map(\.path) })
    }
}
