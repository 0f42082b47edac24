import FoundationEssentials
import Glibc
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookHost

/// Carries out ``Change``s on a host, recording each path's prior state in the snapshot first.
///
/// Both apply and rollback make their changes through it, so each is itself a snapshot that
/// can be undone.
package struct ChangeExecutor {
    package let host: any Host
    package let recorder: SnapshotRecorder?

    package func perform(_ change: Change, step: StepInfo, notifies: [String], sensitive: Bool) throws {
        if case .remove(let path) = change {
            try removeTree(path, step: step, notifies: notifies, sensitive: sensitive)
            return
        }
        if let path = change.path {
            try recorder?.recordBefore(path, on: host, stepID: step.id, notifies: notifies, sensitive: sensitive)
        }
        switch change {
        case .makeDirectory(let path, let mode):
            try host.makeDirectory(path, mode: mode)
        case .writeFile(let path, let content, let mode):
            try host.writeAtomically(path, data: content, mode: mode)
        case .setMode(let path, let mode):
            try host.setMode(path, mode: mode)
        case .setOwner(let path, let uid, let gid):
            try host.setOwner(path, uid: uid, gid: gid)
        case .makeLink(let path, let target):
            if try host.status(path) != nil { try host.remove(path) }
            try host.makeSymlink(path, target: target)
        case .remove:
            break
        case .installPackages(let names):
            try install(names, step: step)
        case .runScript(let command, let made):
            let recorded = try made.map { try recordMade($0, step: step, notifies: notifies) }
            let result = try host.run(command)
            for tree in recorded { try recordAfterScript(tree, step: step, notifies: notifies) }
            guard result.succeeded else {
                throw StepFailure(step: step, message: "the script exited \(result.status)", output: result.output)
            }
        }
        if let path = change.path {
            try recorder?.recordAfter(path, on: host)
        }
    }

    /// Children first, each recorded just before it goes, so that a rollback (which works
    /// backwards) puts a directory back before the files in it.
    private func removeTree(_ path: String, step: StepInfo, notifies: [String], sensitive: Bool) throws {
        if try host.status(path)?.kind == .directory {
            for name in try host.list(path) {
                try removeTree(path == "/" ? "/\(name)" : "\(path)/\(name)", step: step, notifies: notifies, sensitive: sensitive)
            }
        }
        try recorder?.recordBefore(path, on: host, stepID: step.id, notifies: notifies, sensitive: sensitive)
        try host.remove(path)
        try recorder?.recordAfter(path, on: host)
    }

    /// What a script says it makes, as recorded before it runs.
    private struct MadeTree {
        /// The path recorded: the outermost missing one of the made path and its ancestors, or the made path itself.
        package var top: String
        /// Every path under `top` that existed before the script ran, `top` included.
        package var existing: Set<String>
    }

    /// Records a made path before the script runs. A missing one is recorded as absent from its
    /// outermost missing directory down, so a rollback removes it with everything in it (a key file
    /// made beside it included); an existing one is recorded with everything in it, parents first.
    /// Either way as sensitive: what scripts make is often a private key, whose content no drift
    /// report may show.
    private func recordMade(_ path: String, step: StepInfo, notifies: [String]) throws -> MadeTree {
        let top = try outermostMissing(path) ?? path
        var existing: Set<String> = []
        try walk(top) { entry in
            existing.insert(entry)
            try recorder?.recordBefore(entry, on: host, stepID: step.id, notifies: notifies, sensitive: true)
        }
        if existing.isEmpty { try recorder?.recordBefore(top, on: host, stepID: step.id, notifies: notifies, sensitive: true) }
        return MadeTree(top: top, existing: existing)
    }

    /// Records each path's state after the script: what existed before gets its after-state; what the
    /// script added inside an existing tree is recorded as having been absent, so a rollback removes it.
    private func recordAfterScript(_ tree: MadeTree, step: StepInfo, notifies: [String]) throws {
        guard !tree.existing.isEmpty else {
            try recorder?.recordAfter(tree.top, on: host)
            return
        }
        for path in tree.existing.sorted() { try recorder?.recordAfter(path, on: host) }
        try walk(tree.top) { entry in
            if !tree.existing.contains(entry) {
                try recorder?.recordAppeared(entry, on: host, stepID: step.id, notifies: notifies)
            }
        }
    }

    /// `path` and, for a directory, everything in it, parents before their children; nothing when it is missing.
    private func walk(_ path: String, _ visit: (String) throws -> Void) throws {
        guard let status = try host.status(path) else { return }
        try visit(path)
        guard status.kind == .directory else { return }
        for name in try host.list(path).sorted() {
            try walk(path == "/" ? "/\(name)" : "\(path)/\(name)", visit)
        }
    }

    /// The outermost of `path` and its ancestors that does not exist, or nil when `path` exists.
    private func outermostMissing(_ path: String) throws -> String? {
        guard try host.status(path) == nil else { return nil }
        var missing = path
        var parent = path.parentDirectory
        while parent != "/", !parent.isEmpty, try host.status(parent) == nil {
            missing = parent
            parent = parent.parentDirectory
        }
        return missing
    }

    /// A large install over a slow mirror takes far longer than a validation; an hour is still stuck.
    private static let aptTimeout = 3600

    /// apt-get install; on a fresh server the package lists may be empty, so one `apt-get update` and a retry.
    private func install(_ names: [String], step: StepInfo) throws {
        let install = ShellCommand(script: "DEBIAN_FRONTEND=noninteractive apt-get install -y -q \(names.joined(separator: " "))",
                                   timeout: Self.aptTimeout)
        var result = try host.run(install)
        if !result.succeeded {
            let update = try host.run(ShellCommand(script: "apt-get update -q", timeout: Self.aptTimeout))
            result = try host.run(install)
            if !result.succeeded {
                throw StepFailure(step: step, message: "apt-get could not install \(names.joined(separator: ", "))",
                                  output: update.output + result.output)
            }
        }
        try recorder?.recordPackages(names)
    }
}
