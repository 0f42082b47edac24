import RunbookRender
import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookMarkdown
import RunbookHost

/// `runbook rollback [SNAPSHOT]`: restore the state from before an apply.
///
/// With --json the one document on stdout says what happened, and every line for people goes to
/// stderr instead, so a script can still show the progress while it reads the result.
package struct RollbackCommand {
    package let session: Session

    package func run() throws -> ExitCode {
        let console = session.console
        let json = session.options.json
        func say(_ text: String) { if json { console.error(text) } else { console.line(text) } }
        var handlers: [HandlerStep]?
        do {
            handlers = try session.prepare().handlers
        } catch {
            console.error("note: the runbook could not be loaded, so handlers will not be rerun:\n\(error)")
        }
        let lock = try session.takeLock(for: "rollback", markingInterrupted: false)
        defer { lock.release() }
        let renderer = ApplyEventRenderer(style: console.style)
        let rollback = Rollback(host: session.hostUnderLock(), state: session.state, handlers: handlers,
                                report: { say(renderer.render($0)) })
        func finish(_ document: RollbackDocument, _ code: ExitCode) throws -> ExitCode {
            if json { console.line(try JSONOutput.text(document)) }
            return code
        }
        let targets: Rollback.Targets
        do {
            targets = try rollback.targets(session.options.arguments.first)
        } catch Rollback.RollbackError.nothingToUndo {
            say("Nothing to roll back: no snapshot in \(session.state.path) is left to undo.")
            return try finish(RollbackDocument(.nothingToUndo), .success)
        }
        let drift = try rollback.drift(of: targets)
        if !drift.isEmpty {
            for item in drift {
                console.error("drift: \(item.path) was changed since runbook left it")
                console.error("  expected: \(item.expected.summary)\n  found:    \(item.found.summary)")
                if let diff = item.diff {
                    for line in diff.split(separator: "\n") { console.error("  " + console.style.diffLine(line)) }
                }
            }
            if !session.options.force {
                console.error("error: \(Rollback.RollbackError.drift(drift.map(\.path)))\nNothing was changed. Keep the edits by hand, or run `runbook rollback --force` (the current content is kept in the rollback's own snapshot).")
                return try finish(RollbackDocument(.refusedDrift, targets: targets, drift: drift), .failure)
            }
            console.error("note: --force: rolling back over the drift; the current content is kept in this rollback's snapshot")
        }
        if !targets.finishing.isEmpty {
            let ids = targets.finishing.map(\.idText).joined(separator: ", ")
            say(console.style.bold("Finishing rollback snapshot \(ids), which did not finish"))
        }
        say(console.style.bold("Rolling back snapshot\(targets.undo.count == 1 ? "" : "s") \(targets.undo.map(\.idText).joined(separator: ", "))"))
        let outcome: Rollback.Outcome
        do {
            outcome = try rollback.run(targets, runbook: session.options.runbook)
        } catch let stopped as Rollback.RollbackError {
            console.error("runbook: error: \(stopped)\nSome paths are restored and others not; `runbook rollback` finishes it.")
            let snapshot = if case .stopped(let id, _) = stopped { id } else { nil as Int? }
            return try finish(RollbackDocument(.stopped, targets: targets, drift: drift, snapshot: snapshot, failure: "\(stopped)"), .failure)
        }
        say("\nRestored \(outcome.restored.count) path\(outcome.restored.count == 1 ? "" : "s"); this rollback is snapshot \(outcome.snapshotID.map(String.init) ?? "?") (`runbook rollback` undoes it).")
        if !outcome.packagesKept.isEmpty {
            say("Packages the apply installed stay installed: \(outcome.packagesKept.joined(separator: ", ")). `apt-get purge \(outcome.packagesKept.joined(separator: " "))` removes them, with what they set up (services, timers), if you no longer want them.")
        }
        return try finish(RollbackDocument(.restored, targets: targets, drift: drift, restored: outcome.restored, snapshot: outcome.snapshotID,
                                           packagesKept: outcome.packagesKept), .success)
    }
}
