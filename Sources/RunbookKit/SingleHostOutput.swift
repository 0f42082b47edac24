import FoundationEssentials
import RunbookRemote
import RunbookRender
import RunbookEngine
import RunbookModel
import RunbookHost

/// One `--host`: the answer rendered by the renderers a local run uses, so that `plan --host`
/// prints what `plan` prints on the server itself, but for its first line, which names the
/// host; the exit codes are the local command's, and 69 when the host cannot be reached.
package struct SingleHostOutput {
    package let options: CommandLineOptions
    package let console: Console

    package func carryOut(_ run: HostRun, _ request: AgentRequest, archive: RunbookArchive) -> ExitCode {
        let name = run.host.name
        let renderer = ApplyEventRenderer(style: console.style)
        var refusal: [Diagnostic] = []
        var saved: SavedPlan?
        let ending = run.carryOut(request, archive: archive, note: { console.error($0) }, receive: { message, line in
            switch message.kind {
            case "plan":
                guard var plan = message.plan else { return }
                plan.target = plan.target == "/" ? name : "\(name) \(plan.target)"
                try PlanOutput(plan: plan, console: console, json: options.json, htmlFile: options.htmlFile).write()
            case "event":
                let event = try JSONDecoder().decode(ApplyEventDocument.self, from: line)
                console.line(options.json ? try JSONOutput.line(event) : renderer.render(event))
            case "applied":
                if let outcome = message.outcome { try ApplyReport(console: console, savedPlan: nil).print(outcome, json: options.json) }
            case "output":
                if message.standardError == true {
                    console.error(String(message.text?.dropLast(message.text?.hasSuffix("\n") == true ? 1 : 0) ?? ""))
                } else {
                    console.out(message.text ?? "")
                }
            case "savedPlan":
                saved = message.savedPlan
            case "stale":
                for item in message.stale ?? [] { console.error("stale: \(item)") }
            case "earlier":
                if let earlier = message.earlier { console.error("note: \(name): \(earlier.sentence)") }
            case "errors":
                refusal += message.errors ?? []
            default:
                break
            }
        }, log: { console.error($0) })
        if !refusal.isEmpty { RunbookCommand.printErrors(refusal, console: console, json: options.json) }
        switch ending {
        case .answered(let code):
            if let file = options.outFile, options.command == "plan" {
                guard let saved else {
                    console.error("runbook: error: the plan was not saved to \(file): \(name) made none")
                    return .failure
                }
                let entry = FleetSavedPlan.Entry(host: name, target: run.host.target.description, become: run.become || run.host.become, plan: saved)
                if let failed = FleetCommand.write([entry], runbook: options.runbook, to: file, console: console) { return failed }
            }
            return ExitCode(rawValue: code) ?? .failure
        case .unreachable(let diagnostic):
            RunbookCommand.report([diagnostic], console: console, json: options.json)
            return .unreachable
        case .lost(let diagnostic):
            RunbookCommand.printErrors([diagnostic], console: console, json: options.json)
            RunbookCommand.explain([diagnostic], console: console, outcome: Self.lostOutcome(options.command!))
            return .unreachable
        case .refused(let diagnostic):
            RunbookCommand.report([diagnostic], console: console, json: options.json)
            return .failure
        }
    }

    /// What a lost connection means for the command that lost it.
    static func lostOutcome(_ command: String) -> String {
        ["apply", "rollback", "vars"].contains(command)
            ? "the \(command) goes on there on its own, and the next command against that host reports how it ended"
            : "nothing was changed"
    }
}
