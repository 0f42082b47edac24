/// `runbook check`: parse and validate, never touching the target.
struct CheckCommand {
    let session: Session

    func run() throws -> ExitCode {
        let prepared: PreparedRunbook
        do {
            prepared = try session.prepare()
        } catch {
            guard let problems = Diagnostics(error) else { throw error }
            RunbookCommand.report(problems.items, console: session.console, json: session.options.json, outcome: nil)
            return .failure
        }
        if session.options.json {
            session.console.line("{\n  \"errors\" : [],\n  \"steps\" : \(prepared.stepCount)\n}")
        } else {
            session.console.line("\(session.options.runbook): \(prepared.chapters.count) chapters, \(prepared.stepCount) steps, \(prepared.variables.declarations.count) variables; no problems found.")
        }
        return .success
    }
}
