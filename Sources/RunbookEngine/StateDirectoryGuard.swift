import FoundationEssentials
import Glibc
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookHost

/// Refuses steps that would manage runbook's own state: a path (file=, link=, absent=, run
/// creates=) that is the state directory, is inside it, or holds it. `absent=/var` with the state
/// in `/var/lib/runbook` would remove the very snapshot that undoes the apply.
///
/// Paths are compared as written with the state directory's target path (under `--root`), and as
/// resolved on the machine (links on the way followed), so a step reaching it through a link
/// counts. A step path that cannot be resolved yet is left to `plan` to report.
package struct StateDirectoryGuard {
    package let state: StateDirectory
    package let host: any Host

    package init(state: StateDirectory, host: any Host) {
        self.state = state
        self.host = host
    }

    package func check(_ prepared: PreparedRunbook) throws -> PreparedRunbook {
        let real = state.path.realPath
        let target = state.path.targetPath ?? targetPath(of: real)
        var collector = DiagnosticCollector()
        for chapter in prepared.chapters {
            let blocks = Dictionary(chapter.chapter.steps.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
            for step in chapter.changingSteps {
                for managed in step.managedPaths {
                    let (key, path) = (managed.attribute, managed.path)
                    let resolved = (try? host.realPath(path)).flatMap { try? LiveHost().realPath($0) }
                    let relation = target.flatMap { Self.relation(of: path, to: $0) }
                        ?? real.flatMap { real in resolved.flatMap { Self.relation(of: $0, to: real) } }
                    guard let relation else { continue }
                    let location = blocks[step.info.id]?.word(key)?.location ?? step.info.location
                    collector.record(Diagnostic("\(key)=\(path) \(relation) runbook's state directory \(state.path)", at: location,
                                                hint: "runbook keeps the snapshots that undo an apply and the generated secrets there; "
                                                    + "manage another path, or pass --state-dir with a directory no step touches"))
                }
            }
        }
        try collector.throwIfAny()
        return prepared
    }

    /// The state directory as a target path when it lies inside the `--root` directory.
    private func targetPath(of real: String?) -> String? {
        guard let rooted = host as? RootedHost, let real, let root = try? LiveHost().realPath(rooted.root.isEmpty ? "/" : rooted.root)
        else { return nil }
        guard real.hasPrefix(root + "/") else { return nil }
        return String(real.dropFirst(root.count))
    }

    private static func relation(of path: String, to state: String) -> String? {
        if path == state { return "is" }
        if path.hasPrefix(state + "/") { return "is inside" }
        if path == "/" || state.hasPrefix(path + "/") { return "holds" }
        return nil
    }
}
