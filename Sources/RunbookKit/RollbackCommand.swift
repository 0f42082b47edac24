import RunbookRender
import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookMarkdown
import RunbookHost

/// `runbook rollback [SNAPSHOT]`: restore the state from before an apply.
package struct RollbackCommand {
    package let session: Session

    package func run() throws -> ExitCode {
        let console = session.console
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
                                report: { console.line(renderer.render($0)) })
        let targets: Rollback.Targets
        do {
            targets = try rollback.targets(session.options.arguments.first)
        } catch Rollback.RollbackError.nothingToUndo {
            console.line("Nothing to roll back: no snapshot in \(session.state.path) is left to undo.")
            return .success
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
                return .failure
            }
            console.error("note: --force: rolling back over the drift; the current content is kept in this rollback's snapshot")
        }
        if !targets.finishing.isEmpty {
            let ids = targets.finishing.map(\.idText).joined(separator: ", ")
            console.line(console.style.bold("Finishing rollback snapshot \(ids), which did not finish"))
        }
        console.line(console.style.bold("Rolling back snapshot\(targets.undo.count == 1 ? "" : "s") \(targets.undo.map(\.idText).joined(separator: ", "))"))
        let outcome: Rollback.Outcome
        do {
            outcome = try rollback.run(targets, runbook: session.options.runbook)
        } catch let stopped as Rollback.RollbackError {
            console.error("runbook: error: \(stopped)\nSome paths are restored and others not; `runbook rollback` finishes it.")
            return .failure
        }
        console.line("\nRestored \(outcome.restored.count) path\(outcome.restored.count == 1 ? "" : "s"); this rollback is snapshot \(outcome.snapshotID.map(String.init) ?? "?") (`runbook rollback` undoes it).")
        if !outcome.packagesKept.isEmpty {
            console.line("Packages the apply installed stay installed: \(outcome.packagesKept.joined(separator: ", ")). `apt-get purge \(outcome.packagesKept.joined(separator: " "))` removes them, with what they set up (services, timers), if you no longer want them.")
        }
        return .success
    }
}
