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
        let readsRunbook = command != "snapshots"
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
    }
}
