import FoundationEssentials
import Dispatch
import RunbookRemote
import RunbookRender
import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookMarkdown
import RunbookHost

/// A command carried out on other servers, over the system's ssh: `--host` (repeatable) and
/// `--inventory FILE`, narrowed by `--limit`. Each host gets its own connection and agent, at most
/// `--parallel` at once. Only the runbook folder and the values of --var and --vars-file are read
/// on this machine; --root and --state-dir are the servers'. The values travel on each
/// connection's standard input.
///
/// One `--host` alone reads exactly as the command run on that server (``SingleHostOutput``);
/// a fleet reads as one: plans folded, progress lines prefixed with the host, one table and one
/// line at the end (``FleetOutput``).
package struct FleetCommand: Sendable {
    package let options: CommandLineOptions
    package let console: Console

    package func run() throws -> ExitCode {
        let (hosts, isAnsible) = try targets()
        let command = options.command!
        // A rollback needs no runbook (its handlers are in the snapshot), as locally.
        let readsRunbook = command != "snapshots" && !(command == "rollback" && !isDirectory(options.runbook))
        var declared: [VariableDeclaration] = []
        var archive = RunbookArchive.empty
        var given: [VariableInput] = []
        if readsRunbook {
            let (runbook, _) = try RunbookLoader(displayDirectory: options.runbook).loadAsFarAsPossible(directory: options.runbook)
            declared = runbook.variables
            let (values, problems) = try Session.givenVariables(options)
            try DiagnosticCollector(problems).throwIfAny()
            given = values
            archive = try RunbookArchive.make(directory: options.runbook)
        }
        let names = Set(declared.map(\.name))
        let leftOut = Set(hosts.flatMap(\.variables).map(\.name)).subtracting(names)
        if isAnsible, readsRunbook, !leftOut.isEmpty {
            console.error("note: \(options.inventory!): values of variables this runbook does not declare are left to Ansible: \(leftOut.sorted().joined(separator: ", "))")
        }
        let requests = hosts.map { host in
            request(for: host, given: given, own: isAnsible ? host.variables.filter { names.contains($0.name) } : host.variables, archive: archive)
        }
        let secretNames = Set(declared.filter(\.isSecret).map(\.name))
        console.redactor = Redactor(secrets: requests.flatMap { $0.variables.filter { secretNames.contains($0.name) }.map(\.value) })
        let binary = try RemoteAgent.OwnBinary.read()
        let runs = hosts.map { HostRun(host: $0, become: options.become, stateDirectory: requests[0].serverStateDirectory, binary: binary) }
        if hosts.count == 1 && options.inventory == nil {
            return SingleHostOutput(options: options, console: console).carryOut(runs[0], requests[0], archive: archive)
        }
        return FleetOutput(options: options, console: console).carryOut(runs, requests, archive: archive)
    }

    /// The hosts of `--host` and `--inventory`, then those `--limit` keeps; a name given twice is
    /// an error. Whether the inventory is Ansible's: its values for variables this runbook does not
    /// declare belong to Ansible's playbooks, and are left out rather than refused.
    private func targets() throws -> ([FleetHost], Bool) {
        var hosts = options.hosts.map(FleetHost.init(flag:))
        var groups: [String: [String]] = [:]
        var isAnsible = false
        if let file = options.inventory {
            let inventory = try Inventory.read(file)
            if !inventory.ignoredSettings.isEmpty {
                console.error("note: \(file): left to Ansible: \(inventory.ignoredSettings.joined(separator: ", "))")
            }
            hosts += inventory.hosts
            groups = inventory.groups
            isAnsible = inventory.format == .ansibleINI
        }
        var seen: Set<String> = []
        for host in hosts where !seen.insert(host.name).inserted {
            throw Diagnostic("the host \(host.name) is named twice", origin: options.inventory.map { "--inventory \($0)" } ?? "--host \(host.name)",
                             hint: "name each host once, with --host or in the inventory")
        }
        if groups["all"] == nil { groups["all"] = hosts.map(\.name) }
        guard let limit = options.limit else { return (hosts, isAnsible) }
        return (try limit.select(from: hosts, groups: groups, origin: options.inventory ?? "the --host list"), isAnsible)
    }

    /// What one host is sent: the values of --vars-file, then the inventory's for the host, then
    /// --var, so that a later one wins as in a vars file: --var over the host's and its groups'
    /// over --vars-file.
    private func request(for host: FleetHost, given: [VariableInput], own: [VariableInput], archive: RunbookArchive) -> AgentRequest {
        let variables = given.filter { $0.location != nil } + own + given.filter { $0.location == nil }
        return AgentRequest(command: options.command!, arguments: options.arguments, runbook: options.runbook, root: options.root,
                            stateDirectory: options.stateDirectory, chapters: options.chapters, only: options.only, atomic: options.atomic,
                            force: options.force, forget: options.forget, json: options.json, variables: variables, archive: archive)
            .savingPlan(options.command == "plan" && options.outFile != nil)
    }

    /// Writes the hosts' saved plans to `file` (0600, atomically); nil, or exit 1 when it cannot.
    static func write(_ entries: [FleetSavedPlan.Entry], runbook: String, to file: String, console: Console) -> ExitCode? {
        let fleetPlan = FleetSavedPlan(createdAt: Clock.timestamp(), runbookDirectory: runbook, hosts: entries)
        if let problem = fleetPlan.sameTargetTwice {
            console.error("runbook: error: the plan was not saved to \(file): \(problem); name each server once")
            return .failure
        }
        do {
            let path = SavedPlan.absolute(file)
            try LiveHost().writeAtomically(path, data: try fleetPlan.encoded(), mode: 0o600)
            let whose = entries.count == 1 ? "the plan of \(entries[0].host)" : "the plans of \(entries.count) hosts"
            console.error("Saved \(whose) to \(path): `runbook apply \(file)` carries out exactly \(entries.count == 1 ? "it" : "them, each on its host"), "
                + "once, and refuses if a host, the runbook or a variable changes first; `runbook show \(file)` renders \(entries.count == 1 ? "it" : "them").")
            return nil
        } catch {
            console.error("runbook: error: could not save the plan to \(file): \(error)")
            return .failure
        }
    }
}

extension FleetCommand {
    /// `apply FILE` of a fleet plan: each host's part, carried out on that host. First every host
    /// checks its part against itself, changing nothing; when any part is stale (or a host cannot
    /// be reached) nothing is applied anywhere, exit 3 (69), unless `--skip-stale` asks to apply
    /// the fresh parts and report the others. Each host checks its part again under its lock.
    package func apply(_ fleetPlan: FleetSavedPlan, file: String) throws -> ExitCode {
        var entries = fleetPlan.hosts
        var hosts: [FleetHost] = []
        for entry in entries {
            do {
                hosts.append(FleetHost(name: entry.host, target: try SSHTarget(parsing: entry.target), become: entry.become))
            } catch {
                throw Diagnostic("\(file) names the host \(Diagnostic.shown(entry.host)) at an unusable address: \(error.message)", origin: file,
                                 hint: "plan again with `runbook plan --inventory … --out \(file)`")
            }
        }
        var chosen = hosts
        if let limit = options.limit {
            chosen = try limit.select(from: hosts, groups: [:], origin: file)
            entries = entries.filter { entry in chosen.contains { $0.name == entry.host } }
        }
        let runbook = options.runbookFlag ?? fleetPlan.runbookDirectory
        let (loaded, _) = try RunbookLoader(displayDirectory: runbook).loadAsFarAsPossible(directory: runbook)
        let (given, problems) = try Session.givenVariables(options)
        try DiagnosticCollector(problems).throwIfAny()
        let secretNames = Set(loaded.variables.filter(\.isSecret).map(\.name))
        console.redactor = Redactor(secrets: given.filter { secretNames.contains($0.name) }.map(\.value))
        let archive = try RunbookArchive.make(directory: runbook)
        let binary = try RemoteAgent.OwnBinary.read()
        let requests = entries.map { entry in
            // --root and --state-dir as given now, never read from the file: each host checks its
            // part's target against them, so an edited target is a stale part, not another target.
            var request = AgentRequest(command: "apply", runbook: runbook, root: options.root, stateDirectory: options.stateDirectory,
                                       chapters: [], only: [], atomic: options.atomic, json: options.json, variables: given, archive: archive)
            request.savedPlan = entry.plan
            request.savedPlanFile = file
            return request
        }
        let runs = chosen.map { HostRun(host: $0, become: options.become, stateDirectory: requests[0].serverStateDirectory, binary: binary) }
        let checks = check(runs, requests, archive: archive)
        let fresh = checks.indices.filter { checks[$0].result == .done }
        let decided = checks.indices.filter { !fresh.contains($0) }.map { checks[$0] }
        if !decided.isEmpty && !options.skipStale {
            let renderer = FleetTextRenderer(style: console.style)
            let held = fresh.map { index in
                var outcome = checks[index]
                (outcome.result, outcome.reason) = (.notStarted, "its part is fresh, but nothing is applied while another host's is not")
                return outcome
            }
            let outcomes = decided + held
            // As the hosts that stopped it would exit: 3 for a stale part, 69 for one not reached.
            let code = FleetOutput.exitCode(decided)
            if options.json {
                try console.json(FleetDocument(command: "apply", exitCode: code.rawValue, seconds: 0, outcomes: outcomes))
            } else {
                for line in renderer.reasons(decided) { console.line(line) }
                console.line("\nNothing was applied: \(decided.count) of \(checks.count) hosts cannot carry out their part of \(file). "
                    + "Plan again, or give --skip-stale to apply the \(fresh.count) fresh part\(fresh.count == 1 ? "" : "s") alone.")
            }
            return code
        }
        var freshRequests = fresh.map { requests[$0] }
        for index in freshRequests.indices { freshRequests[index].checkOnly = false }
        return FleetOutput(options: options, console: console).carryOut(fresh.map { runs[$0] }, freshRequests, archive: archive, decided: decided)
    }

    /// Each host checks its part, at most `--parallel` at once; `done` when it still holds.
    private func check(_ runs: [HostRun], _ requests: [AgentRequest], archive: RunbookArchive) -> [HostOutcome] {
        let width = runs.map(\.host.name.count).max() ?? 0
        let checked = CheckedParts(count: runs.count)
        BoundedPool.run(count: runs.count, width: options.parallel) { index in
            var request = requests[index]
            request.checkOnly = true
            let name = runs[index].host.name
            var outcome = HostOutcome(host: name, result: .failed)
            var stale: [String] = []
            var errors: [Diagnostic] = []
            let say = { (line: String) in console.error(name.padded(to: width) + "  " + line) }
            let ending: HostRun.Ending = runs[index].carryOut(request, archive: archive, note: { _ in }, receive: { message, _ in
                if message.kind == "stale" { stale = message.stale ?? [] }
                if message.kind == "errors" { errors += message.errors ?? [] }
            }, log: { _ in })
            switch ending {
            case .answered(0): outcome.result = .done
            case .answered(ExitCode.stalePlan.rawValue):
                (outcome.result, outcome.exitCode, outcome.stale) = (.stale, ExitCode.stalePlan.rawValue, stale)
                outcome.reason = stale.joined(separator: "; ")
                for item in stale { say("stale: \(item)") }
            case .answered(let code):
                (outcome.exitCode, outcome.reason) = (code, errors.first?.message ?? "exit \(code)")
            case .unreachable(let diagnostic): (outcome.result, outcome.reason) = (.unreachable, diagnostic.message)
            case .lost(let diagnostic): (outcome.result, outcome.reason) = (.connectionLost, diagnostic.message)
            case .refused(let diagnostic): outcome.reason = diagnostic.message
            }
            checked.set(index, outcome)
        }
        return checked.all
    }

    private final class CheckedParts: @unchecked Sendable {
        private var outcomes: [HostOutcome?]
        private let queue = DispatchQueue(label: "runbook.fleet.checks")
        init(count: Int) { outcomes = Array(repeating: nil, count: count) }
        func set(_ index: Int, _ outcome: HostOutcome) { queue.sync { outcomes[index] = outcome } }
        var all: [HostOutcome] { queue.sync { outcomes.compactMap { $0 } } }
    }
}
