import FoundationEssentials
import RunbookRender
import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookMarkdown
import RunbookHost

/// `runbook plan`: what apply would change. Exit 0: nothing; 2: changes pending.
/// `--out FILE` saves it for `runbook apply FILE`; `--html FILE` writes the review page.
package struct PlanCommand {
    package let session: Session

    package func run() throws -> ExitCode {
        let (plan, prepared) = try plan()
        if let file = session.options.outFile {
            let saved = try SavedPlan.make(plan, id: SavedPlan.newID(), prepared: prepared, host: session.host,
                                           stateDirectory: session.state.path.description, selection: session.selection,
                                           runbookVersion: RunbookCommand.version, redactor: session.console.redactor)
            let path = SavedPlan.absolute(file)
            try LiveHost().writeAtomically(path, data: try saved.encoded(), mode: 0o600)
            session.console.error("Saved the plan to \(path) (plan \(saved.id)): `runbook apply \(file)` carries out exactly it, "
                + "once, and refuses if the target, the runbook or a variable changes first; `runbook show \(file)` renders it.")
        }
        try PlanOutput(plan: plan, console: session.console, json: session.options.json, htmlFile: session.options.htmlFile).write()
        return plan.exitCode
    }

    /// The plan, and the runbook it was made from; nothing is printed.
    package func plan() throws -> (Plan, PreparedRunbook) {
        let prepared = try session.prepare()
        try session.selection.validate(against: prepared)
        let plan = try Planner(prepared: prepared, host: session.host, selection: session.selection,
                               sensitivePaths: try session.state.snapshots.sensitivePaths())
            .plan(notices: try session.unfinishedNotices())
        return (plan, prepared)
    }
}

extension Plan {
    /// `plan`'s exit code: 2 while changes are pending.
    package var exitCode: ExitCode { hasChanges ? .changesPending : .success }
}

/// A plan rendered for the reader: text or JSON on standard output, and the review page when asked.
package struct PlanOutput {
    package var plan: Plan
    package var console: Console
    package var json: Bool
    package var htmlFile: String?

    package func write() throws {
        if let page = htmlFile {
            let path = SavedPlan.absolute(page)
            try LiveHost().writeAtomically(path, data: Data(PlanHTMLRenderer(redactor: console.redactor).render(plan).utf8), mode: 0o644)
            console.error("The review page is \(path).")
        }
        if json {
            console.out(try PlanJSONRenderer().render(plan))
        } else {
            console.out(PlanTextRenderer(style: console.style).render(plan))
        }
    }
}
