/// `run`: a shell script with a guard that says when it is needed, so a second apply does nothing.
///
/// ````
/// ```sh run creates=/etc/ssl/runbook/privkey.pem when="tls=selfsigned"
/// openssl req -x509 -newkey rsa:2048 -nodes ...
/// ```
/// ````
/// Guards: `creates=PATH` (runs while PATH is missing), `unless=CMD` (runs while CMD fails),
/// `onlyif=CMD` (runs while CMD succeeds), or `always`. `makes=PATH[,PATH…]` names more of what
/// the script makes, so that a rollback can remove it.
public struct RunStep: ChangingStep {
    public enum Guard: Sendable, Equatable {
        case creates(String)
        case unless(String)
        case onlyIf(String)
        case always
    }

    public let info: StepInfo
    public let script: ShellCommand
    public let guardCondition: Guard
    public let notifies: [String]
    /// What `makes=` says the script makes besides its `creates=` path, recorded so a rollback removes it.
    public let makes: [String]

    init(_ source: StepSource) throws {
        let guards = ["creates", "unless", "onlyif", "always"].filter { source.block.has($0) }
        guard guards.count == 1 else {
            if guards.isEmpty {
                throw Diagnostic("a run step needs a guard, so that a second apply does nothing", at: source.block.location,
                                 hint: "add creates=PATH, unless=CMD or onlyif=CMD; or say always to run it every time")
            }
            throw Diagnostic("a run step takes one guard, but this one has \(guards.joined(separator: " and "))",
                             at: source.location(guards[1]), hint: "keep one guard")
        }
        switch guards[0] {
        case "creates": guardCondition = .creates(try source.path("creates")!)
        case "unless": guardCondition = .unless(try source.string("unless")!)
        case "onlyif": guardCondition = .onlyIf(try source.string("onlyif")!)
        default: guardCondition = .always
        }
        let body = try source.body()
        guard body.contains(where: { !$0.isWhitespace }) else {
            throw Diagnostic("the run step's script is empty", at: source.block.location, hint: "write the commands in the block")
        }
        script = ShellCommand(script: body, shell: source.shell, exitOnError: true, timeout: try source.timeout())
        info = source.info("run \(body.lines(omittingEmpty: true).first ?? "")")
        notifies = try source.list("notify")
        makes = try source.paths("makes")
    }

    /// What the `creates=` guard says the script makes.
    public var createdPath: String? { if case .creates(let path) = guardCondition { path } else { nil } }

    public func plan(in view: SystemView) throws -> StepPlan {
        let made = (createdPath.map { [$0] } ?? []) + makes
        let run = StepPlan(step: info, outcome: .change, changes: [.runScript(script, makes: made)], notifies: notifies)
        switch guardCondition {
        case .always:
            guard view.host.runsProcesses else { return skipped("runs every time") }
            return with(run, detail: "runs every time (always)")
        case .creates(let path):
            if try view.status(path) != nil, view.pendingProvider(of: path) == nil {
                return StepPlan(step: info, outcome: .unchanged("\(path) exists"), notifies: notifies)
            }
            guard view.host.runsProcesses else { return skipped("would run while \(path) does not exist") }
            var plan = with(run, detail: "runs: \(path) does not exist")
            if let note = view.pendingNote(forPath: path) { plan.notes.append(note) }
            return plan
        case .unless(let command), .onlyIf(let command):
            let isUnless = if case .unless = guardCondition { true } else { false }
            let name = isUnless ? "unless" : "onlyif"
            guard view.host.runsProcesses else { return skipped("the guard \(name) `\(command)` is not evaluated") }
            let result = try view.host.run(ShellCommand(script: command, shell: script.shell, timeout: script.timeout))
            if result.commandNotFound, let pending = view.pendingPackages.first {
                var plan = with(run, detail: "runs: the guard `\(command)` cannot be evaluated yet")
                plan.notes.append("\(command.split(separator: " ").first ?? "") is not installed yet; \(pending.stepID) installs \(pending.name)")
                return plan
            }
            let runs = isUnless ? !result.succeeded : result.succeeded
            let verdict = "the guard \(name) `\(command)` exited \(result.status)"
            guard runs else {
                return StepPlan(step: info, outcome: .unchanged(verdict), notifies: notifies)
            }
            return with(run, detail: "runs: \(verdict)")
        }
    }

    private func with(_ plan: StepPlan, detail: String) -> StepPlan {
        var plan = plan
        plan.details.append(detail)
        if !makes.isEmpty { plan.details.append("makes \(makes.joined(separator: ", ")), which a rollback removes or puts back") }
        return plan
    }

    private func skipped(_ why: String) -> StepPlan {
        StepPlan(step: info, outcome: .skipped("--root: commands do not run"), details: [why])
    }
}
