import FoundationEssentials
import Glibc
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookHost

/// Puts paths back the way a snapshot found them, newest change first.
///
/// Used by a failed apply (to undo itself) and by `runbook rollback`. Before anything is touched,
/// ``drift(in:)`` compares each path with the state the snapshot left it in: a hand edit made
/// since is drift, and rollback refuses it unless forced.
package struct Restorer {
    package struct Drift: Sendable {
        package var path: String
        package var expected: PathState
        package var found: PathState
        package var diff: String?
        /// Its content holds or held a secret: the diff withholds the content, and JSON its hashes too.
        package var holdsSecret: Bool
    }

    package let host: any Host
    package let store: SnapshotStore
    package let executor: ChangeExecutor

    /// Paths changed since the snapshots recorded them. The newest snapshot's after-state is what to
    /// expect. A path already in the state the restore gives it is no drift: a restore that stopped
    /// midway (a failed apply's, or a killed rollback's) put it there, and restoring it overwrites nothing.
    package func drift(in manifests: [SnapshotManifest]) throws -> [Drift] {
        var expected: [String: PathState] = [:]
        var restoresTo: [String: PathState] = [:]
        var order: [String] = []
        var holdsSecret = try store.sensitivePaths()
        for manifest in manifests.sorted(by: { $0.id < $1.id }) {
            for record in manifest.records {
                if record.sensitive { holdsSecret.insert(record.path) }
                if restoresTo[record.path] == nil { restoresTo[record.path] = record.before }
                guard let after = record.after else { continue }
                if expected[record.path] == nil { order.append(record.path) }
                expected[record.path] = after
            }
        }
        var found: [Drift] = []
        for path in order {
            let want = expected[path]!
            let (now, content) = try PathState.observe(path, on: host)
            guard !now.matches(want, comparingOwnership: host.restoresOwnership),
                  !now.matches(restoresTo[path]!, comparingOwnership: host.restoresOwnership) else { continue }
            var diff: String?
            // Without the recorded content there is no diff to show, but still the drift itself.
            if want.kind == .file, now.kind == .file, let hash = want.sha256, let content, let recorded = try? store.blob(hash) {
                diff = holdsSecret.contains(path) ? UnifiedDiff.withheld(old: recorded, new: content)
                    : UnifiedDiff.make(old: String(decoding: recorded, as: UTF8.self), new: String(decoding: content, as: UTF8.self),
                                       oldLabel: "\(path) (as runbook left it)", newLabel: "\(path) (now)")
            }
            found.append(Drift(path: path, expected: want, found: now, diff: diff, holdsSecret: holdsSecret.contains(path)))
        }
        return found
    }

    /// Refuses, before anything is changed, a restore of `manifests` (newest first, as they are
    /// restored) that would need content missing from the blobs or not matching its hash: found
    /// halfway, it would leave some paths restored and others not.
    package func checkContent(for manifests: [SnapshotManifest]) throws {
        // The content each path has when its record comes to be restored ("" when it is no file).
        var content: [String: String] = [:]
        for manifest in manifests {
            for record in manifest.records.reversed() {
                let now = try content[record.path] ?? PathState.observe(record.path, on: host).0.sha256 ?? ""
                content[record.path] = record.before.sha256 ?? ""
                guard record.before.kind == .file, let hash = record.before.sha256, now != hash else { continue }
                let blob = store.directory + "/blobs/" + hash
                let byHand = "put \(record.path) back by hand as it was (content sha256 \(hash)), then roll back again"
                let context = "snapshot \(manifest.id) cannot be restored: the content \(record.path) had before it, \(blob),"
                do {
                    let found = SHA256.hex(try store.blob(hash))
                    guard found != hash else { continue }
                    throw Diagnostic("\(context) is damaged (its content has sha256 \(found))", origin: blob,
                                     hint: "copy that blob back from a backup of the state directory, or \(byHand)")
                } catch let failure as HostError {
                    throw Diagnostic("\(context) cannot be read: \(failure.reason)", origin: blob,
                                     hint: "copy that blob back from a backup of the state directory, or \(byHand)")
                } catch let refused as Diagnostic where refused.origin == blob && !refused.message.hasPrefix("snapshot ") {
                    // The state directory's own check of the blob ("HASH is missing: …", "HASH has mode 0644 …"),
                    // with what it says to do; one of another file (blobs/ itself) stays as it is.
                    throw Diagnostic("\(context) \(refused.message.dropFirst(hash.count).trimmingBlanks())", origin: blob,
                                     hint: [refused.hint, "or \(byHand)"].compactMap { $0 }.joined(separator: "; "))
                }
            }
        }
    }

    /// Restores every record of the snapshot, last first; returns the paths restored.
    package func restore(_ manifest: SnapshotManifest) throws -> [String] {
        try restore(manifest.records)
    }

    /// Puts each record's path back to its `before` state, last first; returns the paths restored.
    ///
    /// Newest first puts back what an apply made in the right order (a file goes before the
    /// directory that held it). A directory that was there before and is gone now (a script
    /// deleted a tree it `makes=`) is put back before anything recorded inside it, so its files
    /// have somewhere to go.
    package func restore(_ records: [PathRecord]) throws -> [String] {
        var restored: [String] = []
        var done: Set<Int> = []
        let firstRecord = Dictionary(records.enumerated().map { ($0.element.path, $0.offset) }) { first, _ in first }
        func restore(_ index: Int) throws {
            guard done.insert(index).inserted else { return }
            let record = records[index]
            if let parent = firstRecord[record.path.parentDirectory], records[parent].before.kind == .directory,
               try host.status(record.path.parentDirectory) == nil {
                try restore(parent)
            }
            try FaultInjection.throwingPoint("restore", path: record.path)
            let step = StepInfo(restoring: record)
            for change in try changes(toRestore: record) {
                try executor.perform(change, step: step, notifies: record.notifies, sensitive: record.sensitive)
            }
            try removeLeftoverTemporary(of: record.path)
            restored.append(record.path)
        }
        for index in records.indices.reversed() { try restore(index) }
        return restored
    }

    private func changes(toRestore record: PathRecord) throws -> [Change] {
        let current = try host.status(record.path)
        let before = record.before
        var changes: [Change] = []
        switch before.kind {
        case .absent:
            if current != nil { changes.append(.remove(path: record.path)) }
        case .file:
            let (now, _) = try PathState.observe(record.path, on: host)
            guard !now.matches(before, comparingOwnership: host.restoresOwnership) else { return [] }
            if let current, current.kind == .directory {
                changes.append(.remove(path: record.path))
            } else if current?.kind == .symlink {
                changes.append(.remove(path: record.path))
            }
            if now.sha256 != before.sha256 || current?.kind != .file {
                changes.append(.writeFile(path: record.path, content: try store.blob(before.sha256 ?? ""), mode: before.mode ?? 0o644))
            } else if now.mode != before.mode, let mode = before.mode {
                changes.append(.setMode(path: record.path, mode: mode))
            }
        case .directory:
            if current == nil {
                changes.append(.makeDirectory(path: record.path, mode: before.mode ?? 0o755))
            } else if current?.kind != .directory {
                changes += [.remove(path: record.path), .makeDirectory(path: record.path, mode: before.mode ?? 0o755)]
            } else if current?.mode != before.mode, let mode = before.mode {
                changes.append(.setMode(path: record.path, mode: mode))
            }
        case .symlink:
            if current?.kind != .symlink || current?.linkTarget != before.linkTarget {
                if current?.kind == .directory { changes.append(.remove(path: record.path)) }
                changes.append(.makeLink(path: record.path, target: before.linkTarget ?? ""))
            }
        case .other:
            break
        }
        if host.restoresOwnership, before.kind != .absent, let uid = before.uid, let gid = before.gid {
            let status = try host.status(record.path)
            if status == nil || status?.uid != uid || status?.gid != gid || !changes.isEmpty {
                changes.append(.setOwner(path: record.path, uid: uid, gid: gid))
            }
        }
        return changes
    }

    /// A write killed before its rename leaves `.NAME.runbook-tmp`; it is never anyone's data.
    private func removeLeftoverTemporary(of path: String) throws {
        let temporary = FileSystem.temporaryPath(for: path)
        if try host.status(temporary)?.kind == .file { try host.remove(temporary) }
    }
}

extension StepInfo {
    /// How a restoration is named in a rollback's own snapshot.
    package init(restoring record: PathRecord) {
        self.init(id: record.stepID, kind: StepKind("restore"), chapter: "", location: SourceLocation(file: "snapshot", line: 0),
                  heading: nil, summary: "restore \(record.path)")
    }
}
