import FoundationEssentials

/// `runbook plan`: what apply would change. Exit 0: nothing; 2: changes pending.
struct PlanCommand {
    let session: Session

    func run() throws -> ExitCode {
        let prepared = try session.prepare()
        try session.selection.validate(against: prepared)
        let plan = try Planner(prepared: prepared, host: session.host, selection: session.selection,
                               sensitivePaths: try session.state.snapshots.sensitivePaths())
            .plan(notices: try session.unfinishedNotices())
        if let page = session.options.htmlFile {
            let path = page.hasPrefix("/") ? page : FileManager.default.currentDirectoryPath + "/" + page
            try LiveHost().writeAtomically(path, data: Data(PlanHTMLRenderer(redactor: session.console.redactor).render(plan).utf8),
                                           mode: 0o644)
            session.console.error("The review page is \(path).")
        }
        if session.options.json {
            session.console.out(try PlanJSONRenderer().render(plan))
        } else {
            session.console.out(PlanTextRenderer(style: session.console.style).render(plan))
        }
        return plan.hasChanges ? .changesPending : .success
    }
}
