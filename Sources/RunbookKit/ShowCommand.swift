import RunbookRemote
import RunbookRender
import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookMarkdown
import RunbookHost

/// `runbook show FILE`: a saved plan rendered as text, `--json` or `--html FILE`, from the file
/// alone. It reads nothing of the target and takes no lock: a reviewer can read a plan anywhere.
package struct ShowCommand {
    package let options: CommandLineOptions
    package let console: Console

    package func run() throws -> ExitCode {
        let file = options.arguments[0]
        if let fleetPlan = try FleetSavedPlan.readIfFleetPlan(file) { return try show(fleetPlan, file: file) }
        let saved = try SavedPlan.read(file)
        if !options.json {
            console.line(console.style.dim("Saved plan \(saved.id), made \(saved.createdAt) by \(saved.runbookVersion) from \(saved.runbookDirectory)"
                + " for \(saved.target.host)\(saved.target.hostname.map { " (\($0))" } ?? ""); `runbook apply \(file)` carries it out."))
        }
        try PlanOutput(plan: saved.plan, console: console, json: options.json, htmlFile: options.htmlFile).write()
        return saved.plan.exitCode
    }

    /// A fleet plan: each host's part, hosts whose parts read the same folded into one, as `plan` printed them.
    private func show(_ fleetPlan: FleetSavedPlan, file: String) throws -> ExitCode {
        let plans = fleetPlan.hosts.map { (host: $0.host, plan: $0.plan.plan) }
        let pending = plans.contains { $0.plan.hasChanges }
        if options.json {
            let outcomes = try plans.map { host, plan in
                var outcome = HostOutcome(host: host, result: plan.hasChanges ? .changesPending : .converged)
                outcome.document = try JSONValue(parsing: try PlanJSONRenderer().render(plan))
                return outcome
            }
            try console.json(FleetDocument(command: "plan", exitCode: pending ? 2 : 0, seconds: 0, outcomes: outcomes))
        } else {
            console.line(console.style.dim("Saved plans of \(plans.count) host\(plans.count == 1 ? "" : "s"), made \(fleetPlan.createdAt) from "
                + "\(fleetPlan.runbookDirectory); `runbook apply \(file)` carries them out, each on its host."))
            console.out(FleetTextRenderer(style: console.style).render(plans: plans))
        }
        return pending ? .changesPending : .success
    }
}
