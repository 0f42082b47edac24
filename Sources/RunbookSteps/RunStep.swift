import RunbookModel
import RunbookHost

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
    package static let definition = StepDefinition(
        StepDescription(kind: StepKind("run"), marker: "run", markerValue: nil,
                        attributes: ["creates", "unless", "onlyif", "always", "notify", "timeout", "makes"], flags: ["always"],
                        purpose: "a shell script with a guard that says when it is needed")
    ) { .changing(try RunStep($0)) }

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

    package init(_ source: StepSource) throws {
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

    public var managedPaths: [ManagedPath] {
        (createdPath.map { [ManagedPath(path: $0, attribute: "creates", claim: .madeByScript)] } ?? [])
            + makes.map { ManagedPath(path: $0, attribute: "makes", claim: .madeByScript) }
    }
    public var isSensitive: Bool { false }

    public func plan(in view: SystemView) throws -> StepPlan {
        let made = (createdPath.map { [$0] } ?? []) + makes
        let run = { (verdict: GuardVerdict) in
            StepPlan(step: info, outcome: .change, changes: [.runScript(script, makes: made)], verdict: verdict, notifies: notifies)
        }
        switch guardCondition {
        case .always:
            return run(.always)
        case .creates(let path):
            // Apply runs the steps in order, so a path an earlier step makes is there by the time this one looks.
            if try view.status(path) != nil {
                let reason = view.pendingProvider(of: path).map { "\(path) exists once \($0) has run" } ?? "\(path) exists"
                return StepPlan(step: info, outcome: .unchanged(reason), notifies: notifies)
            }
            return run(.missing(path: path))
        case .unless(let command), .onlyIf(let command):
            let isUnless = if case .unless = guardCondition { true } else { false }
            let name = isUnless ? "unless" : "onlyif"
            guard let result = try view.evaluate(ShellCommand(script: command, shell: script.shell, timeout: script.timeout)) else {
                return run(.notEvaluated(guard: name, command: command))
            }
            if result.commandNotFound, let pending = view.pendingPackages.first {
                var plan = run(.notYetInstalled(guard: name, command: command))
                plan.notes.append("\(command.split(separator: " ").first ?? "") is not installed yet; \(pending.stepID) installs \(pending.name)")
                return plan
            }
            let verdict = GuardVerdict.exited(guard: name, command: command, status: result.status)
            guard isUnless ? !result.succeeded : result.succeeded else {
                return StepPlan(step: info, outcome: .unchanged(verdict.description), notifies: notifies)
            }
            return run(verdict)
        }
    }
}
