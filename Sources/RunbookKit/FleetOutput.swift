import FoundationEssentials
import Dispatch
import RunbookRemote
import RunbookRender
import RunbookEngine
import RunbookModel
import RunbookHost

/// A command on a fleet, read as one: every line a host's agent says comes prefixed with the
/// host's name as it arrives; `plan` then prints each distinct plan once under the hosts it is for,
/// `apply` one table (host, result, changed, unchanged, failed step, took), the others each host's
/// output under its name; all end with one line that sums it up. `--json` prints one `fleet`
/// document at the end, an apply's `hostEvent` lines before it.
///
/// An apply goes batch by batch (`--serial`); a batch with more failures than `--max-fail`
/// calls off the batches after it, whose hosts are never touched.
package struct FleetOutput: Sendable {
    package let options: CommandLineOptions
    package let console: Console

    /// Lines from many threads, whole and one at a time.
    private static let printing = DispatchQueue(label: "runbook.fleet.output")

    /// `decided` are hosts whose result is known before anything runs (`apply FILE`: the stale ones);
    /// they are in the table and the counts, after the others.
    package func carryOut(_ runs: [HostRun], _ requests: [AgentRequest], archive: RunbookArchive, decided: [HostOutcome] = []) -> ExitCode {
        let started = MonotonicClock.nanoseconds()
        let width = runs.map(\.host.name.count).max() ?? 0
        let results = Results(count: runs.count)
        let command = options.command!
        let batches = command == "apply" ? options.rollout.batches(of: runs.count) : [0..<runs.count]
        do {
            let batching = batches.count > 1 ? ", in \(batches.count) batches of \(batches.map { String($0.count) }.joined(separator: ", "))" : ""
            console.error("\(Self.gerund(command)) \(runs.count) host\(runs.count == 1 ? "" : "s"), at most \(options.parallel) at once\(batching).")
        }
        var calledOff: Int?
        for (number, batch) in batches.enumerated() {
            if calledOff != nil {
                for index in batch {
                    var outcome = HostOutcome(host: runs[index].host.name, result: .notStarted)
                    outcome.reason = "batch \(calledOff! + 1) had too many failures, so batch \(number + 1) was called off"
                    results.set(index, outcome)
                }
                continue
            }
            let indices = Array(batch)
            BoundedPool.run(count: indices.count, width: options.parallel) { position in
                let index = indices[position]
                results.set(index, carryOut(runs[index], requests[index], archive: archive, width: width, results: results))
            }
            let failed = batch.filter { results.all[$0].result.isFailure }.count
            if number < batches.count - 1, options.rollout.stops(after: failed, of: batch.count) {
                calledOff = number
            }
        }
        let outcomes = results.all + decided
        let seconds = Double(MonotonicClock.nanoseconds() - started) / 1e9
        var code = Self.exitCode(outcomes)
        if command == "plan", let file = options.outFile {
            code = save(results, outcomes: outcomes, runs: runs, to: file) ?? code
        }
        if options.json {
            do {
                try console.json(FleetDocument(command: command, exitCode: code.rawValue, seconds: seconds, outcomes: outcomes))
            } catch {
                console.error("runbook: error: could not encode the fleet document: \(error)")
            }
            return code
        }
        let renderer = FleetTextRenderer(style: console.style)
        switch command {
        case "plan":
            let plans = outcomes.compactMap { outcome in results.plan(of: outcome.host).map { (outcome.host, $0) } }
            if !plans.isEmpty { console.out(renderer.render(plans: plans)) }
        case "apply":
            console.line("")
            for line in renderer.table(outcomes) { console.line(line) }
        default:
            for outcome in outcomes {
                guard let text = results.output(of: outcome.host), !text.isEmpty else { continue }
                console.line(console.style.bold("\(outcome.host):"))
                console.out(text.hasSuffix("\n") ? text : text + "\n")
            }
        }
        let reasons = renderer.reasons(outcomes)
        if !reasons.isEmpty { console.line("") }
        for line in reasons { console.line(line) }
        console.line("\n" + renderer.summary(outcomes, command: command, seconds: seconds))
        return code
    }

    /// One host, start to end; its lines go out prefixed with its name as they come.
    private func carryOut(_ run: HostRun, _ request: AgentRequest, archive: RunbookArchive, width: Int, results: Results) -> HostOutcome {
        let name = run.host.name
        let prefix = name.padded(to: width) + "  "
        let started = MonotonicClock.nanoseconds()
        let renderer = ApplyEventRenderer(style: console.style)
        var outcome = HostOutcome(host: name, result: .failed)
        var output = ""
        var unchanged = 0
        var errors: [Diagnostic] = []
        func say(_ text: String, error: Bool = false) {
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false).drop { $0.isEmpty }
            Self.printing.sync {
                for line in lines where !line.isEmpty { error ? console.error(prefix + line) : console.line(prefix + line) }
            }
        }
        let ending = run.carryOut(request, archive: archive, note: { say($0, error: true) }, receive: { message, line in
            switch message.kind {
            case "plan":
                guard let plan = message.plan else { return }
                outcome.result = plan.hasChanges ? .changesPending : .converged
                outcome.changed = plan.chapters.flatMap(\.steps).filter(\.hasChanges).count
                results.keep(plan, of: name)
                if options.json { outcome.document = try JSONValue(parsing: try PlanJSONRenderer().render(plan)) }
            case "event":
                let event = try JSONDecoder().decode(ApplyEventDocument.self, from: line)
                if event.outcome == .unchanged { unchanged += 1 }
                if event.outcome == .failed, outcome.failedStep == nil { outcome.failedStep = event.step }
                if options.json {
                    let document = HostEventDocument(host: name, event: try JSONValue(parsing: String(decoding: line, as: UTF8.self)))
                    Self.printing.sync { console.line((try? JSONOutput.line(document)) ?? "") }
                } else {
                    say(renderer.render(event))
                }
            case "applied":
                guard let applied = message.outcome else { return }
                outcome.changed = applied.changedSteps
                outcome.result = applied.failure == nil ? .applied : .failed
                if let failure = applied.failure { outcome.reason = failure }
                if options.json { outcome.document = try JSONValue(parsing: try JSONOutput.text(ApplyDocument(applied, retry: nil, plan: nil))) }
            case "output":
                if message.standardError == true {
                    if !options.json { say(message.text ?? "", error: true) }
                } else {
                    output += message.text ?? ""
                }
            case "savedPlan":
                if let saved = message.savedPlan { results.keep(saved, of: name) }
            case "stale":
                outcome.stale = message.stale ?? []
                for item in outcome.stale { say("stale: \(item)", error: true) }
            case "earlier":
                guard let earlier = message.earlier else { return }
                outcome.earlier.append(earlier.sentence)
                say("note: \(earlier.sentence)", error: true)
            case "errors":
                errors += message.errors ?? []
            default:
                break
            }
        }, log: { say($0, error: true) })
        outcome.seconds = Double(MonotonicClock.nanoseconds() - started) / 1e9
        outcome.unchanged = options.command == "apply" && outcome.changed != nil ? unchanged : nil
        switch ending {
        case .answered(let code):
            outcome.exitCode = code
            if code == ExitCode.locked.rawValue {
                outcome.result = .locked
            } else if code == ExitCode.stalePlan.rawValue {
                (outcome.result, outcome.reason) = (.stale, "its part of the saved plan no longer holds: \(outcome.stale.count) stale item\(outcome.stale.count == 1 ? "" : "s")")
            } else if !["plan", "apply"].contains(options.command!) {
                outcome.result = code == 0 ? .done : .failed
            } else if code != 0, code != ExitCode.changesPending.rawValue {
                outcome.result = .failed
            }
            if outcome.reason == nil, let first = errors.first { outcome.reason = first.message }
            if outcome.result == .failed, outcome.reason == nil { outcome.reason = "exit \(code)" }
        case .unreachable(let diagnostic):
            (outcome.result, outcome.reason) = (.unreachable, diagnostic.message)
        case .lost(let diagnostic):
            (outcome.result, outcome.reason) = (.connectionLost, diagnostic.message + "; " + SingleHostOutput.lostOutcome(options.command!))
        case .refused(let diagnostic):
            (outcome.result, outcome.reason) = (.failed, diagnostic.message + (diagnostic.hint.map { " (\($0))" } ?? ""))
        }
        if options.json, outcome.document == nil, !output.isEmpty { outcome.document = try? JSONValue(parsing: output) }
        if !output.isEmpty { results.keep(output, of: name) }
        return outcome
    }

    /// The fleet's exit code: 1 when a host had an error (or, when every host that had one
    /// exited alike, that code: 3 for stale, 64 for a selection none has); else 69 when one could
    /// not be reached or was lost; else 75 when one was locked; else 2 when a plan has changes.
    /// A host that was not started counts as what called its batch off.
    static func exitCode(_ outcomes: [HostOutcome]) -> ExitCode {
        let failed = outcomes.filter { $0.result == .failed || $0.result == .stale }
        if !failed.isEmpty {
            let codes = Set(failed.map { $0.exitCode ?? ExitCode.failure.rawValue })
            return codes.count == 1 ? ExitCode(rawValue: codes.first!) ?? .failure : .failure
        }
        if outcomes.contains(where: { $0.result == .unreachable || $0.result == .connectionLost }) { return .unreachable }
        if outcomes.contains(where: { $0.result == .locked }) { return .locked }
        return outcomes.contains { $0.result == .changesPending } ? .changesPending : .success
    }

    private static func gerund(_ command: String) -> String {
        switch command {
        case "plan": "Planning on"
        case "apply": "Applying to"
        case "rollback": "Rolling back"
        case "snapshots": "Listing the snapshots of"
        default: "Listing the variables of"  // vars, and vars --forget, which lists after it forgets
        }
    }

    /// `plan --out FILE`: every host's saved plan in one file; nil, or the failure's exit code
    /// when some host made none, for a fleet plan that leaves out a host is not the one reviewed.
    private func save(_ results: Results, outcomes: [HostOutcome], runs: [HostRun], to file: String) -> ExitCode? {
        let missing = runs.filter { results.saved(of: $0.host.name) == nil }.map(\.host.name)
        guard missing.isEmpty else {
            console.error("runbook: error: the plan was not saved to \(file): \(missing.joined(separator: ", ")) made no plan (see above); plan again once every host does")
            return Self.exitCode(outcomes) == .changesPending ? .failure : nil
        }
        let entries = runs.map { run in
            FleetSavedPlan.Entry(host: run.host.name, target: run.host.target.description, become: run.become || run.host.become,
                                 plan: results.saved(of: run.host.name)!)
        }
        return FleetCommand.write(entries, runbook: options.runbook, to: file, console: console)
    }

    /// What the hosts' threads found, gathered for the end.
    private final class Results: @unchecked Sendable {
        private var outcomes: [HostOutcome?]
        private var plans: [String: Plan] = [:]
        private var outputs: [String: String] = [:]
        private var savedPlans: [String: SavedPlan] = [:]
        private let queue = DispatchQueue(label: "runbook.fleet.results")

        init(count: Int) { outcomes = Array(repeating: nil, count: count) }

        func set(_ index: Int, _ outcome: HostOutcome) { queue.sync { outcomes[index] = outcome } }
        func keep(_ plan: Plan, of host: String) { queue.sync { plans[host] = plan } }
        func keep(_ output: String, of host: String) { queue.sync { outputs[host] = output } }
        func plan(of host: String) -> Plan? { queue.sync { plans[host] } }
        func keep(_ saved: SavedPlan, of host: String) { queue.sync { savedPlans[host] = saved } }
        func saved(of host: String) -> SavedPlan? { queue.sync { savedPlans[host] } }
        func output(of host: String) -> String? { queue.sync { outputs[host] } }
        var all: [HostOutcome] { queue.sync { outcomes.compactMap { $0 } } }
    }
}
