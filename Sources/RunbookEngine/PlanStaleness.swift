import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookHost

/// What makes a saved plan stale, item by item: what it was computed from against the same
/// computed now, on the target as it is.
///
/// "stale: /etc/nginx/sites-available/inference changed since the plan (sha256 ab12cd34ef56… → …)".
/// The runbook, its variables and the target come first; when one of them differs, the steps'
/// differences follow from it and are not listed.
public enum PlanStaleness {
    public static func items(saved: SavedPlan, now: SavedPlan) -> [String] {
        var items: [String] = []
        if saved.runbookVersion != now.runbookVersion {
            items.append("the plan was made by \(saved.runbookVersion); this is \(now.runbookVersion)")
        }
        items += target(saved.target, now.target)
        items += chapters(saved.chapters, now.chapters, directory: now.runbookDirectory)
        items += variables(saved, now)
        if saved.selection != now.selection { items.append("the plan covers other chapters or steps than this apply") }
        guard items.isEmpty else { return items }
        let generatesSecrets = !saved.plan.secretsToGenerate.isEmpty
        let savedSteps = Dictionary(saved.plan.chapters.flatMap(\.steps).map { ($0.step.id, $0) }, uniquingKeysWith: { first, _ in first })
        let nowSteps = now.plan.chapters.flatMap(\.steps)
        for step in nowSteps {
            guard let earlier = savedSteps[step.step.id] else {
                items.append("\(step.step.id) (\(step.step.summary)) is not in the plan")
                continue
            }
            items += differences(earlier, step, ignoringContentHashes: generatesSecrets)
        }
        let nowIDs = Set(nowSteps.map(\.step.id))
        for step in saved.plan.chapters.flatMap(\.steps) where !nowIDs.contains(step.step.id) {
            items.append("\(step.step.id) (\(step.step.summary)) is in the plan but would not run now")
        }
        return items
    }

    private static func target(_ saved: SavedPlan.TargetIdentity, _ now: SavedPlan.TargetIdentity) -> [String] {
        var items: [String] = []
        if saved.host != now.host { items.append("the plan was made for \(saved.host); this apply is for \(now.host)") }
        if saved.machineID != now.machineID || saved.hostname != now.hostname {
            items.append("the plan was made on the machine \(machine(saved)); this is \(machine(now))")
        }
        if saved.stateDirectory != now.stateDirectory {
            items.append("the plan was made with the state directory \(saved.stateDirectory); this apply uses \(now.stateDirectory)")
        }
        return items
    }

    private static func machine(_ identity: SavedPlan.TargetIdentity) -> String {
        "\(identity.hostname ?? "with no /etc/hostname") (machine-id \(identity.machineID.map { String($0.prefix(12)) + "…" } ?? "none"))"
    }

    private static func chapters(_ saved: [String: String], _ now: [String: String], directory: String) -> [String] {
        Set(saved.keys).union(now.keys).sorted().compactMap { name in
            switch (saved[name], now[name]) {
            case (nil, _): "\(directory)/\(name) is new since the plan"
            case (_, nil): "\(directory)/\(name) is gone since the plan"
            case (let before?, let after?) where before != after:
                "\(directory)/\(name) changed since the plan (sha256 \(short(before)) → \(short(after)))"
            default: nil
            }
        }
    }

    private static func variables(_ saved: SavedPlan, _ now: SavedPlan) -> [String] {
        var items: [String] = []
        let earlier = Dictionary(saved.plan.variables.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        for variable in now.plan.variables {
            guard let before = earlier[variable.name] else {
                items.append("variable \(variable.name) has a value now, and had none in the plan")
                continue
            }
            if variable.isSecret {
                if saved.secretDigests[variable.name] != now.secretDigests[variable.name] {
                    items.append("secret \(variable.name) is not the one the plan was made with (\(before.source.description) then; \(variable.source.description) now)")
                }
            } else if before.value != variable.value {
                items.append("variable \(variable.name) was \(quoted(before.value)) in the plan (\(before.source.description)); now it is \(quoted(variable.value)) (\(variable.source.description))")
            }
        }
        let names = Set(now.plan.variables.map(\.name))
        for variable in saved.plan.variables where !names.contains(variable.name) {
            items.append("variable \(variable.name) had a value in the plan (\(variable.source.description)), and has none now")
        }
        return items
    }

    /// How one step's observation differs: its paths first, then what it would do.
    package static func differences(_ saved: StepPlan, _ now: StepPlan, ignoringContentHashes: Bool) -> [String] {
        var items: [String] = []
        var paths = Dictionary(saved.observed.map { ($0.path, $0.state) }, uniquingKeysWith: { first, _ in first })
        for change in saved.planned { if let path = change.path, let before = change.before { paths[path] = paths[path] ?? before } }
        var reported: Set<String> = []
        let observedNow = now.observed.map { ($0.path, $0.state) } + now.planned.compactMap { change in change.before.map { (change.path ?? "", $0) } }
        for (path, state) in observedNow where !path.isEmpty && !reported.contains(path) {
            guard let before = paths[path], let what = changed(before, state) else { continue }
            reported.insert(path)
            items.append("\(path) changed since the plan (\(what))")
        }
        guard items.isEmpty else { return items }
        let strip = { (changes: [PlannedChange]) in
            ignoringContentHashes ? changes.map { change in
                var change = change
                change.after?.sha256 = nil
                return change
            } : changes
        }
        if saved.outcome != now.outcome || strip(saved.planned) != strip(now.planned) {
            items.append("\(now.step.id) (\(now.step.summary)) would now \(intent(now)); the plan said it would \(intent(saved))")
        }
        return items
    }

    /// "sha256 ab12… → cd34…", "mode 0644 → 0600", "absent → a file"; nil when nothing the plan rests on differs.
    package static func changed(_ before: PathState, _ after: PathState) -> String? {
        if before.kind != after.kind { return "\(describe(before.kind)) → \(describe(after.kind))" }
        var parts: [String] = []
        if before.sha256 != after.sha256 { parts.append("sha256 \(before.sha256.map(short) ?? "unknown") → \(after.sha256.map(short) ?? "unknown")") }
        if before.mode != after.mode { parts.append("mode \(before.mode?.octalMode ?? "?") → \(after.mode?.octalMode ?? "?")") }
        if before.uid != after.uid || before.gid != after.gid {
            parts.append("owner \(before.uid.map(String.init) ?? "?"):\(before.gid.map(String.init) ?? "?") → \(after.uid.map(String.init) ?? "?"):\(after.gid.map(String.init) ?? "?")")
        }
        if before.linkTarget != after.linkTarget { parts.append("link to \(before.linkTarget ?? "?") → link to \(after.linkTarget ?? "?")") }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }

    private static func describe(_ kind: PathState.Kind) -> String {
        switch kind {
        case .absent: "absent"
        case .file: "a file"
        case .directory: "a directory"
        case .symlink: "a link"
        case .other: "a special file"
        }
    }

    /// What a step would do, in the words of its plan: "install nginx, curl", "do nothing (nginx is installed)".
    package static func intent(_ plan: StepPlan) -> String {
        switch plan.outcome {
        case .unchanged(let reason): return "do nothing (\(reason))"
        case .skipped(let reason): return "be skipped (\(reason))"
        case .change:
            let actions = plan.planned.map { change -> String in
                switch change.action {
                case .install: "install \(change.packages.joined(separator: ", "))"
                case .run: "run its script"
                default: "\(change.action.rawValue) \(change.path ?? "")"
                }
            }
            return actions.joined(separator: ", ") + (plan.verdict.map { " (\($0))" } ?? "")
        }
    }

    package static func short(_ hash: String) -> String { String(hash.prefix(12)) + "…" }

    private static func quoted(_ value: String?) -> String { value.map { "'\($0)'" } ?? "unset" }
}
