import RunbookRender
import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookMarkdown
import RunbookHost

/// `runbook vars`: every variable with its value in effect on the target and where it comes
/// from; `runbook vars --forget NAME` first drops a value kept from an earlier apply.
package struct VarsCommand {
    package let session: Session

    package func run() throws -> ExitCode {
        let forgotten = try forget(session.options.forget)
        let (_, resolution, problems) = try session.resolve()
        if !forgotten.isEmpty, !problems.items.isEmpty {
            // The values are gone already: saying "nothing was changed" would be a lie.
            RunbookCommand.printErrors(problems.items, console: session.console, json: session.options.json)
            RunbookCommand.explain(problems.items, console: session.console,
                                   outcome: "\(forgotten.keys.sorted().joined(separator: ", ")) forgotten all the same, but the listing could not be made")
            return .failure
        }
        try problems.throwIfAny()
        let listing = VariableListing(variables: resolution.variables, runbook: session.options.runbook, host: session.host,
                                      keptFile: session.state.path.file(StateDirectory.keptName), forgotten: forgotten)
        let console = session.console
        if session.options.json {
            console.line(try JSONOutput.text(VarsDocument(listing)))
        } else {
            console.out(VarsTextRenderer(style: console.style).render(listing))
        }
        return .success
    }

    /// Drops the kept values named, under the lock, or refuses them all when one is not kept:
    /// only values given to an apply are, and a generated secret stays in `secrets`.
    private func forget(_ names: [String]) throws -> [String: KeptVariable] {
        guard !names.isEmpty else { return [:] }
        let lock = try session.takeLock(for: "vars --forget", markingInterrupted: false)
        defer { lock.release() }
        let kept = try session.state.keptValues()
        for name in names where kept.values[name] == nil {
            let hint = kept.values.isEmpty ? "no value is kept in \(session.state.path): an apply keeps only the values given to it"
                : "the kept ones are \(kept.values.keys.sorted().joined(separator: ", "))"
            throw Diagnostic("no value of \(Diagnostic.shown(name)) is kept, so there is nothing to forget", origin: "--forget \(Diagnostic.shown(name, quoted: false))",
                             hint: hint + "; `runbook vars` shows where each value comes from")
        }
        return try session.state.forget(names)
    }
}
