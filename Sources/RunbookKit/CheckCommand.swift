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
        let console = session.console
        let runbook = session.options.runbook
        let prepared: PreparedRunbook
        do {
            prepared = try session.prepare(forReaders: true)
        } catch {
            guard let problems = Diagnostics(error) else { throw error }
            if session.options.json { console.line(try JSONOutput.text(CheckDocument(runbook: runbook, problems: problems.items))) }
            RunbookCommand.explain(problems.items, console: console, outcome: nil)
            return .failure
        }
        if session.options.json {
            console.line(try JSONOutput.text(CheckDocument(runbook: runbook, prepared: prepared)))
        } else {
            console.line("\(runbook): \(prepared.chapters.count) chapters, \(prepared.stepCount) steps, \(prepared.variables.declarations.count) variables; no problems found.")
        }
        return .success
    }
}
