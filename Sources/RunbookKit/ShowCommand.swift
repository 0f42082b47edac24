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
        let saved = try SavedPlan.read(file)
        if !options.json {
            console.line(console.style.dim("Saved plan \(saved.id), made \(saved.createdAt) by \(saved.runbookVersion) from \(saved.runbookDirectory)"
                + " for \(saved.target.host)\(saved.target.hostname.map { " (\($0))" } ?? ""); `runbook apply \(file)` carries it out."))
        }
        try PlanOutput(plan: saved.plan, console: console, json: options.json, htmlFile: options.htmlFile).write()
        return saved.plan.exitCode
    }
}
