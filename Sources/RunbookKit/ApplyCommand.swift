import FoundationEssentials
import Glibc
import RunbookRender
import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookMarkdown
import RunbookHost

/// `runbook apply`: converge under the state directory lock, snapshotting every change.
///
/// `runbook apply FILE` carries out a saved plan: the runbook, variables and selection it was
/// made with, refused as stale unless planning again on the target now gives the same plan.
package struct ApplyCommand {
    package let session: Session
    /// The saved plan's file and value, for `apply FILE`.
    package var saved: (file: String, plan: SavedPlan)?

    /// The command line `apply FILE` runs with: the plan's runbook folder (unless --runbook says
    /// otherwise) and its chapters and steps.
    package static func options(_ options: CommandLineOptions, carrying saved: SavedPlan) -> CommandLineOptions {
        var options = options
        options.runbookFlag = options.runbookFlag ?? saved.runbookDirectory
        options.chapters = saved.selection.chapters
        options.only = saved.selection.only
        return options
    }

    package func run() throws -> ExitCode {
        let console = session.console
        let json = session.options.json
        let progress = ApplyProgress(console: console, renderer: ApplyEventRenderer(style: console.style), json: json)
        let carriedOut: Applier.Outcome?
        do {
            defer { progress.finish() }
            carriedOut = try carryOut(report: progress.report)
        }
        guard let outcome = carriedOut else {
            if json {
                try ApplyReport(console: console, savedPlan: saved).printJSON(Applier.Outcome(snapshotID: nil, changedSteps: 0, failure: nil, restored: []))
            } else {
                console.line(console.style.bold("The saved plan has no changes, and planning again on the target still finds none: nothing to apply."))
            }
            return .success
        }
        try ApplyReport(console: console, savedPlan: saved).print(outcome, json: json)
        return outcome.exitCode
    }

    /// Applies under the lock, handing each event to `report` as it happens; nil when a saved plan
    /// has nothing to apply.
    package func carryOut(report: @escaping (ApplyEvent) -> Void) throws -> Applier.Outcome? {
        let earlier = saved.map { Self.givenValues(of: $0.plan) } ?? []
        let checked = try session.prepare(after: earlier)
        try session.selection.validate(against: checked)
        try DiagnosticCollector(TargetPolicy(host: session.host).exampleRefusals(checked.variables)).throwIfAny()
        try FaultInjection.throwingPoint("apply:prepared")
        let console = session.console
        let lock = try session.takeLock(for: "apply", markingInterrupted: true)
        defer { lock.release() }
        try session.refuseWhileARollbackIsUnfinished()
        // Prepared again under the lock: a secret generated before it could already have been
        // generated and stored by an apply that held the lock meanwhile. The first preparation only
        // made sure that a bad runbook is refused before the state directory is touched.
        let prepared = try session.prepare(after: earlier)
        let host = session.hostUnderLock()
        if let (file, plan) = saved {
            try refuseIfStale(plan, file: file, prepared: prepared, host: host)
            guard plan.plan.hasChanges else { return nil }
        } else {
            // What planning finds wrong (an unknown user, a directory where a file goes) is refused
            // before anything changes, not when the apply reaches that chapter.
            _ = try Planner(prepared: prepared, host: host, selection: session.selection,
                            sensitivePaths: try session.state.snapshots.sensitivePaths()).plan()
        }
        let tour = StepTour(console: console, runbook: prepared.runbook)
        var options = Applier.Options()
        options.stepMode = session.options.stepMode
        options.atomic = session.options.atomic
        options.selection = session.selection
        options.savedPlan = saved?.plan
        let applier = Applier(
            prepared: prepared, host: host, state: session.state, options: options, redactor: console.redactor,
            report: report,
            decide: tour.decide)
        return try applier.apply()
    }

    /// What makes the saved plan stale on the target now, found without the lock and without
    /// changing anything: a fleet checks every host's plan before it applies any.
    package func staleItems() throws -> [String] {
        guard let (file, plan) = saved else { return [] }
        let prepared = try session.prepare(after: Self.givenValues(of: plan))
        try session.selection.validate(against: prepared)
        do {
            try refuseIfStale(plan, file: file, prepared: prepared, host: session.host)
            return []
        } catch let stale as StalePlanRefusal {
            return stale.items
        }
    }

    /// The values the plan was given, to be given again: the plan's own, never guessed anew.
    private static func givenValues(of saved: SavedPlan) -> [VariableInput] {
        saved.plan.variables.compactMap { variable in
            guard variable.source.isGivenNow else { return nil }
            return variable.value.map { VariableInput(name: variable.name, value: $0, location: nil) }
        }
    }

    /// Refuses a plan that was applied already, or that planning again on the target now would
    /// not give: every difference is named.
    private func refuseIfStale(_ saved: SavedPlan, file: String, prepared: PreparedRunbook, host: any Host) throws {
        let again = "make a new one with `runbook plan --out \(file)`, review it, then `runbook apply \(file)`."
        if let applied = try session.state.snapshots.list().first(where: { $0.plan == saved.id }) {
            throw StalePlanRefusal(file: file, items: [
                "plan \(saved.id) was applied already, by snapshot \(applied.id) (\(applied.status.rawValue), started \(applied.startedAt))",
            ], hint: "A saved plan is applied at most once; " + again)
        }
        let state = session.state.snapshots
        let plan = try Planner(prepared: prepared, host: host, selection: session.selection, sensitivePaths: try state.sensitivePaths()).plan()
        let now = try SavedPlan.make(plan, id: saved.id, prepared: prepared, host: host, stateDirectory: session.state.path.description,
                                     selection: session.selection, runbookVersion: RunbookCommand.version, redactor: session.console.redactor)
        let items = PlanStaleness.items(saved: saved, now: now)
        guard items.isEmpty else { throw StalePlanRefusal(file: file, items: items, hint: "Plan again: " + again) }
    }
}

/// How an apply ended, told the way a local apply tells it, whether it ran here or on a server.
package struct ApplyReport {
    package var console: Console
    /// The saved plan's file and value, for `apply FILE`.
    package var savedPlan: (file: String, plan: SavedPlan)?

    package func print(_ outcome: Applier.Outcome, json: Bool) throws {
        if json {
            try printJSON(outcome)
        } else {
            printSummary(outcome)
            console.line("\n" + ApplyEventRenderer(style: console.style).timing(outcome))
        }
    }

    private func printSummary(_ outcome: Applier.Outcome) {
        guard let failure = outcome.failure else {
            let snapshot = outcome.snapshotID.map { "; snapshot \($0) recorded (`runbook rollback` restores the state from before it)" }
                ?? "; no snapshot needed"
            if let saved = savedPlan { console.line("\nCarried out the saved plan \(saved.plan.id) (\(saved.file)), exactly as it was reviewed.") }
            let changed = outcome.changedSteps == 0 ? "no changes" : "\(outcome.changedSteps) step\(outcome.changedSteps == 1 ? "" : "s") changed"
            guard let stopped = outcome.stoppedBefore else {
                console.line("\n" + console.style.bold("Apply complete: \(changed)") + snapshot + ".")
                return
            }
            console.line("\n" + console.style.bold("Stopped at your request before \(stopped.id): \(changed)") + snapshot + ".")
            console.line("What was applied stays applied. The rest of chapter \(stopped.chapter), its checks and the chapters "
                + "after it did not run; `runbook apply` goes on from there.")
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

    package func printJSON(_ outcome: Applier.Outcome) throws {
        let document = ApplyDocument(outcome, retry: outcome.restoreError == nil ? nil : retry(outcome), plan: savedPlan?.plan.id)
        try console.json(document)
    }
}

extension Applier.Outcome {
    /// `apply`'s exit code: 1 when a step failed.
    package var exitCode: ExitCode { failure == nil ? .success : .failure }
}
