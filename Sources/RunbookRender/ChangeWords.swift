import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookHost

/// The words a reviewer reads about a step's changes, derived from the plan's data alone, so the
/// text plan, the review page, the JSON `details` and an apply's report say the same thing.
///
/// `create /etc/x (mode 0644)`, `mode 0644 → 0600`, `remove the link /etc/y -> /etc/z`,
/// `install nginx, curl with apt-get`, `runs: the guard unless `test -f /x` exited 1`.
package enum ChangeWords {
    /// One line per fact. A skipped step's lines say what it would do.
    package static func lines(for step: StepPlan) -> [String] {
        let would = !step.hasChanges
        var lines: [String] = []
        for change in step.planned {
            lines += words(for: change, in: step, would: would)
        }
        if let validation = step.validation { lines.append("validated with `\(validation.script)` before it is kept") }
        return would ? lines.map { "would " + $0 } : lines
    }

    private static func words(for change: PlannedChange, in step: StepPlan, would: Bool) -> [String] {
        let path = change.path ?? ""
        let before = change.before ?? .absent, after = change.after ?? .absent
        switch change.action {
        case .install:
            return ["install \(change.packages.joined(separator: ", ")) with apt-get"]
        case .run:
            // "would " goes in front of a skipped step's lines; what it would make is for a rollback only.
            guard !would else {
                if case .notEvaluated(let name, let command)? = step.verdict {
                    return ["run if the guard \(name) `\(command)` \(name == "unless" ? "fails" : "succeeds"); it is not evaluated here"]
                }
                return step.verdict.map { ["run: \($0)"] } ?? []
            }
            return (step.verdict.map { ["runs: \($0)"] } ?? [])
                + (change.made.isEmpty ? [] : ["makes \(change.made.joined(separator: ", ")), which a rollback removes or puts back"])
        case .delete:
            switch before.kind {
            case .symlink: return ["remove the link \(path) -> \(before.linkTarget ?? "?")"]
            case .directory: return ["remove the directory \(path) and everything in it"]
            default: return ["remove \(path)"]
            }
        case .link:
            switch before.kind {
            case .absent: return ["link \(path) -> \(after.linkTarget ?? "?")"]
            case .symlink: return ["link \(path): \(before.linkTarget ?? "?") → \(after.linkTarget ?? "?")"]
            default: return ["replace the file \(path) with a link to \(after.linkTarget ?? "?") (the file is kept in the snapshot)"]
            }
        case .create:
            if after.kind == .directory { return ["create directory \(path)"] }
            return ["create \(path) (mode \(after.mode?.octalMode ?? "?"))"] + withheld(change, in: step) + owner(from: before, to: after, would: would)
        case .update:
            var lines: [String] = []
            if before.kind == .symlink {
                lines.append("replace the link \(path) -> \(before.linkTarget ?? "?") with a file")
                lines += withheld(change, in: step)
            } else {
                if before.sha256 != after.sha256 {
                    lines.append("update \(path)")
                    lines += withheld(change, in: step)
                }
                if let old = before.mode, let new = after.mode, old != new {
                    lines.append("\(would ? "change " : "")mode \(old.octalMode) → \(new.octalMode)")
                }
            }
            return lines + owner(from: before, to: after, would: would)
        }
    }

    private static func withheld(_ change: PlannedChange, in step: StepPlan) -> [String] {
        guard let withheld = step.withheldDiff else { return [] }
        return [withheld.sentence(oldSHA256: change.before?.sha256, newSHA256: change.after?.sha256)]
    }

    private static func owner(from before: PathState, to after: PathState, would: Bool) -> [String] {
        guard let uid = after.uid, let gid = after.gid, before.uid != uid || before.gid != gid else { return [] }
        let old = before.uid.map { "\($0):\(before.gid.map(String.init) ?? "?")" }
        return ["\(would ? "change " : "")owner \(old.map { "\($0) → " } ?? "")\(uid):\(gid)"]
    }
}
