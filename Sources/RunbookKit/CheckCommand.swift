import RunbookRender
import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookMarkdown
import RunbookHost

/// `runbook check`: parse and validate, never touching the target.
package struct CheckCommand {
    package let session: Session

    package func run() throws -> ExitCode {
        let prepared: PreparedRunbook
        do {
            prepared = try session.prepare()
        } catch {
            guard let problems = Diagnostics(error) else { throw error }
            RunbookCommand.report(problems.items, console: session.console, json: session.options.json, outcome: nil)
            return .failure
        }
        let steps = prepared.chapters.reduce(0) { $0 + $1.steps.count + $1.inactive.count }
        if session.options.json {
            session.console.line("{\n  \"errors\" : [],\n  \"steps\" : \(steps)\n}")
        } else {
            session.console.line("\(session.options.runbook): \(prepared.chapters.count) chapters, \(steps) steps, \(prepared.variables.declarations.count) variables; no problems found.")
        }
        return .success
    }
}
