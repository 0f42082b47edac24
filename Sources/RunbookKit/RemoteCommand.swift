import FoundationEssentials
import RunbookRemote
import RunbookRender
import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookMarkdown
import RunbookHost

/// `runbook plan --host` and `runbook apply --host`: the command carried out on one server by
/// `runbook agent`, over the system's ssh, and rendered here by the renderers a local run uses.
///
/// Only the runbook folder and the values of --var and --vars-file are read on this machine;
/// --root and --state-dir name the server's. The values travel on the connection's standard input.
/// `RUNBOOK_SSH_CONFIG=FILE` gives ssh `-F FILE` in place of ~/.ssh/config (the tests use it for
/// their own key and known_hosts).
package struct RemoteCommand {
    package let options: CommandLineOptions
    package let console: Console
    package let target: SSHTarget

    package func run() throws -> ExitCode {
        let (runbook, _) = try RunbookLoader(displayDirectory: options.runbook).loadAsFarAsPossible(directory: options.runbook)
        let (given, problems) = try Session.givenVariables(options)
        try DiagnosticCollector(problems).throwIfAny()
        let secretNames = Set(runbook.variables.filter(\.isSecret).map(\.name))
        console.redactor = Redactor(secrets: given.filter { secretNames.contains($0.name) }.map(\.value))
        let archive = try RunbookArchive.make(directory: options.runbook)
        let request = AgentRequest(command: options.command!, runbook: options.runbook, root: options.root, stateDirectory: options.stateDirectory,
                                   chapters: options.chapters, only: options.only, atomic: options.atomic, variables: given, archive: archive)
        let connection = try SSHConnection(target: target, configFile: ProcessInfo.processInfo.environment["RUNBOOK_SSH_CONFIG"])
        defer { connection.close() }
        let agent = RemoteAgent(connection: connection, stateDirectory: remoteStateDirectory)
        let (shipping, binary) = try agent.ship()
        switch shipping {
        case .alreadyThere(let path):
            console.error("\(target) has this runbook already (\(path)); sending the runbook folder (\(archive.bytes.count) bytes).")
        case .sent(let path, let bytes):
            console.error("Sent this runbook to \(target) (\(bytes) bytes), kept as \(path) for the next run.")
        }
        let renderer = ApplyEventRenderer(style: console.style)
        var refusal: [Diagnostic] = []
        let code = try agent.run(request, archive: archive, binary: binary, receive: { message, line in
            switch message.kind {
            case "plan":
                guard var plan = message.plan else { return }
                plan.target = plan.target == "/" ? "\(target)" : "\(target) \(plan.target)"
                try PlanOutput(plan: plan, console: console, json: options.json, htmlFile: options.htmlFile).write()
            case "event":
                let event = try JSONDecoder().decode(ApplyEventDocument.self, from: line)
                console.line(options.json ? try JSONOutput.line(event) : renderer.render(event))
            case "applied":
                if let outcome = message.outcome { try ApplyReport(console: console, savedPlan: nil).print(outcome, json: options.json) }
            case "errors":
                refusal += message.errors ?? []
            default:
                break
            }
        }, log: { console.error($0) })
        if !refusal.isEmpty { RunbookCommand.printErrors(refusal, console: console, json: options.json) }
        return ExitCode(rawValue: code) ?? .failure
    }

    /// Where the server keeps its state, and the binary: as the agent will resolve it.
    private var remoteStateDirectory: String {
        options.stateDirectory ?? options.root.map { "\($0)/\(StatePath.defaultTarget.dropFirst())" } ?? StatePath.defaultTarget
    }
}
