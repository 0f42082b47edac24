import FoundationEssentials
import Glibc

/// `runbook apply`: converge under the state directory lock, snapshotting every change.
struct ApplyCommand {
    let session: Session

    func run() throws -> ExitCode {
        try session.selection.validate(against: try session.prepare())
        try FaultInjection.throwingPoint("apply:prepared")
        let console = session.console
        let lock = try session.takeLock(for: "apply", markingInterrupted: true)
        defer { lock.release() }
        try session.refuseWhileARollbackIsUnfinished()
        // Prepared again under the lock: a secret generated before it could already have been
        // generated and stored by an apply that held the lock meanwhile. The first preparation only
        // made sure that a bad runbook is refused before the state directory is touched.
        let prepared = try session.prepare()
        let renderer = ApplyEventRenderer(style: console.style)
        let planRenderer = PlanTextRenderer(style: console.style)
        var options = Applier.Options()
        options.stepMode = session.options.stepMode
        options.atomic = session.options.atomic
        options.selection = session.selection
        let json = session.options.json
        let applier = Applier(
            prepared: prepared, host: session.hostUnderLock(), state: session.state, options: options, redactor: console.redactor,
            report: { event in if !json { console.line(renderer.render(event)) } },
            decide: { plan in
                console.line("\n" + console.style.bold("Step \(plan.step.id)") + (plan.step.heading.map { ": \($0)" } ?? ""))
                console.out(planRenderer.render(plan))
                while true {
                    switch console.ask("Apply this step? [y]es, [n]o, [a]ll remaining, [q]uit: ")?.lowercased()
                        .trimmingBlanks() {
                    case "y", "yes": return .apply
                    case "n", "no": return .skip
                    case "a", "all": return .applyAll
                    case "q", "quit", nil: return .quit
                    default: continue
                    }
                }
            })
        let outcome = try applier.apply()
        if json {
            try printJSON(outcome)
        } else {
            printSummary(outcome)
        }
        return outcome.failure == nil ? .success : .failure
    }

    private func printSummary(_ outcome: Applier.Outcome) {
        let console = session.console
        guard let failure = outcome.failure else {
            let snapshot = outcome.snapshotID.map { "; snapshot \($0) recorded (`runbook rollback` restores the state from before it)" }
                ?? "; no snapshot needed"
            console.line("\n" + console.style.bold(outcome.changedSteps == 0 ? "Apply complete: no changes" : "Apply complete: \(outcome.changedSteps) step\(outcome.changedSteps == 1 ? "" : "s") changed") + snapshot + (outcome.quit ? " (stopped at your request)" : "") + ".")
            return
        }
        console.error("\n" + failure)
        if let restoreError = outcome.restoreError {
            console.error("error: restoring failed too: \(restoreError)\n`\(retry(outcome))` retries it.")
            return
        }
        let whose = outcome.keptChapters.isEmpty ? "this apply" : "chapter \(outcome.failedChapter ?? "")"
        if outcome.restored.isEmpty {
            console.error("Nothing that \(whose) changed needed restoring.")
        } else {
            console.error("Restored \(outcome.restored.count) path\(outcome.restored.count == 1 ? "" : "s") to \(outcome.restored.count == 1 ? "its" : "their") state before \(whose) changed \(outcome.restored.count == 1 ? "it" : "them"):")
            for path in outcome.restored { console.error("  \(path)") }
        }
        guard !outcome.keptChapters.isEmpty else { return }
        let kept = outcome.keptChapters.count
        console.error("Kept \(kept) chapter\(kept == 1 ? " that" : "s that") converged and passed \(kept == 1 ? "its" : "their") checks: \(outcome.keptChapters.joined(separator: ", ")).")
        if let snapshot = outcome.snapshotID {
            console.error("`runbook rollback` restores the state from before this whole apply (snapshot \(snapshot)); `runbook apply --atomic` restores everything on a failure.")
        }
    }

    /// The command that finishes a restore that failed.
    private func retry(_ outcome: Applier.Outcome) -> String {
        "runbook rollback \(outcome.snapshotID ?? 0)"
    }

    private func printJSON(_ outcome: Applier.Outcome) throws {
        struct Summary: Encodable {
            var ok: Bool
            var changedSteps: Int
            var snapshot: Int?
            var failure: String?
            var failedChapter: String?
            var keptChapters: [String]
            var restored: [String]
            /// Why restoring failed too, and the command that retries it.
            var restoreFailure: String?
            var retry: String?
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        let summary = Summary(ok: outcome.failure == nil, changedSteps: outcome.changedSteps, snapshot: outcome.snapshotID,
                              failure: outcome.failure, failedChapter: outcome.failedChapter, keptChapters: outcome.keptChapters,
                              restored: outcome.restored, restoreFailure: outcome.restoreError,
                              retry: outcome.restoreError == nil ? nil : retry(outcome))
        session.console.line(String(decoding: try encoder.encode(summary), as: UTF8.self))
    }
}
