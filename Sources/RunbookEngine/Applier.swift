import FoundationEssentials
import Glibc
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookHost

/// Converges the system, chapter by chapter, recording a snapshot of everything it changes.
///
/// For each chapter: every step observes the system and its changes are made (each path
/// snapshotted first, files written atomically, validations run with the new file in place);
/// then the notified handlers run once, in runbook order; then the checks.
///
/// A chapter is the unit of failure. On a failure the apply restores what the failing chapter
/// changed, newest first, reruns the handlers that chapter had run so services pick the restored
/// configuration back up, and stops. Chapters that converged and passed their own checks stay
/// applied: a check failing at the end must not undo hardening that earlier chapters made and
/// verified. With `atomic` it restores the whole apply instead. Either way the snapshot covers
/// the whole apply, so `runbook rollback` returns to the state from before it.
public final class Applier {
    public struct Options: Sendable {
        public var stepMode = false
        /// Restore the whole apply on a failure, not just the failing chapter.
        public var atomic = false
        public var selection = StepSelection()
        /// `apply FILE`: each step must do what this plan said, and its id goes in the snapshot.
        public var savedPlan: SavedPlan?
        public init() {}
    }

    public struct Outcome: Sendable, Codable {
        public var snapshotID: Int?
        public var changedSteps: Int
        /// What failed, as `FILE:LINE:COL: error: ...` with the command's output.
        public var failure: String?
        public var restored: [String]
        public var restoreError: String?
        public var quit: Bool
        /// The chapters that converged and passed their checks before the failure, and stay applied.
        public var keptChapters: [String] = []
        /// The chapter that failed; its changes (or, with `atomic`, the whole apply's) were restored.
        public var failedChapter: String?

        package init(snapshotID: Int?, changedSteps: Int, failure: String?, restored: [String], restoreError: String? = nil, quit: Bool, keptChapters: [String] = [], failedChapter: String? = nil) {
            self.snapshotID = snapshotID
            self.changedSteps = changedSteps
            self.failure = failure
            self.restored = restored
            self.restoreError = restoreError
            self.quit = quit
            self.keptChapters = keptChapters
            self.failedChapter = failedChapter
        }
    }

    package let prepared: PreparedRunbook
    package let host: any Host
    package let state: StateDirectory
    package let options: Options
    package let redactor: Redactor
    package let report: (ApplyEvent) -> Void
    package let decide: (StepPlan) -> StepDecision
    private let policy: TargetPolicy
    private var recorder: SnapshotRecorder?
    private var askEachStep: Bool
    private var sensitivePaths: Set<String> = []
    private var convergedChapters: [String] = []
    private var currentChapter: String?

    public init(prepared: PreparedRunbook, host: any Host, state: StateDirectory, options: Options, redactor: Redactor,
                report: @escaping (ApplyEvent) -> Void, decide: @escaping (StepPlan) -> StepDecision) {
        self.prepared = prepared
        self.host = host
        self.state = state
        self.options = options
        self.redactor = redactor
        self.report = report
        self.decide = decide
        askEachStep = options.stepMode
        policy = TargetPolicy(host: host)
    }

    package var selectedChapters: [PreparedRunbook.PreparedChapter] {
        prepared.chapters.filter { options.selection.includes($0.chapter) }
    }

    public func apply() throws -> Outcome {
        try state.storeSecrets(prepared.variables.pendingGenerated)
        sensitivePaths = try state.snapshots.sensitivePaths()
        var changed = 0
        do {
            for chapter in selectedChapters where !chapter.steps.isEmpty {
                currentChapter = chapter.chapter.name
                recorder?.beginChapter()
                let (count, quit) = try run(chapter)
                changed += count
                convergedChapters.append(chapter.chapter.name)
                if quit {
                    try recorder?.finish(.succeeded)
                    return Outcome(snapshotID: recorder?.id, changedSteps: changed, failure: nil, restored: [], quit: true)
                }
            }
        } catch {
            return try fail(error, changed: changed)
        }
        try recorder?.finish(.succeeded)
        return Outcome(snapshotID: recorder?.id, changedSteps: changed, failure: nil, restored: [], quit: false)
    }

    private func run(_ chapter: PreparedRunbook.PreparedChapter) throws -> (changed: Int, quit: Bool) {
        report(.chapter(title: chapter.chapter.title, file: chapter.chapter.file))
        var carriedOut: [StepPlan] = []
        for step in chapter.changingSteps where options.selection.includes(stepID: step.info.id) {
            try FaultInjection.throwingPoint("step:\(step.info.id)")
            let plan = try PlanningView(host: host, sensitivePaths: sensitivePaths).observe(step)
            if let saved = options.savedPlan { try confirm(plan, keepsTo: saved) }
            guard plan.hasChanges else {
                report(.step(plan, applied: false))
                continue
            }
            if askEachStep {
                switch decide(plan) {
                case .apply: break
                case .applyAll: askEachStep = false
                case .skip:
                    report(.stepDeclined(plan))
                    continue
                case .quit:
                    report(.stepDeclined(plan))
                    return (carriedOut.count, true)
                }
            }
            try carryOut(plan, of: step)
            carriedOut.append(plan)
            report(.step(plan, applied: true))
        }
        for firing in Plan.HandlerFiring.firings(of: prepared.handlers, for: carriedOut, policy: policy) {
            try runHandler(prepared.handlers.first { $0.name == firing.name }!, skipped: firing.skipped)
        }
        for check in chapter.checks where options.selection.includes(stepID: check.info.id) {
            try verify(check)
        }
        return (carriedOut.count, false)
    }

    private func carryOut(_ plan: StepPlan, of step: any ChangingStep) throws {
        if recorder == nil {
            recorder = try state.snapshots.begin(kind: .apply, runbook: prepared.runbook.directory, target: host.displayName,
                                                  chapters: selectedChapters.filter { !$0.steps.isEmpty }.map(\.chapter.name),
                                                  plan: options.savedPlan?.id)
            let redactor = redactor
            recorder?.contentHoldsSecret = { redactor.appears(in: $0) }
        }
        let executor = ChangeExecutor(host: host, recorder: recorder)
        for change in plan.changes {
            do {
                let heldSecret = change.path.map(sensitivePaths.contains) == true
                try executor.perform(change, step: plan.step, notifies: plan.notifies, sensitive: step.isSensitive || heldSecret)
            } catch let failure as StepFailure {
                throw failure
            } catch {
                throw StepFailure(step: plan.step, message: "\(error)")
            }
        }
        guard let validation = plan.validation else { return }
        let result = try run(validation, for: plan.step)
        if !result.succeeded {
            throw StepFailure(step: plan.step, message: "validation `\(validation.script)` failed with exit \(result.status)",
                              output: result.output)
        }
    }

    /// A step applied from a saved plan does what the plan said, or nothing. The plan was checked
    /// against the target before the apply began; what differs now changed while it ran, or is
    /// something the plan could not foresee. Only where the plan said so in a note (a package
    /// installed first may bring the path along) does the step go on.
    private func confirm(_ plan: StepPlan, keepsTo saved: SavedPlan) throws {
        let said = saved.plan.chapters.lazy.flatMap(\.steps).first { $0.step.id == plan.step.id }
        func actions(_ plan: StepPlan) -> [String] {
            plan.planned.map { "\($0.action.rawValue) \($0.path ?? $0.packages.joined(separator: ","))\($0.script.map { redactor.redact($0) } ?? "")" }
        }
        guard let said else {
            throw StepFailure(step: plan.step, message: "stale: the saved plan has no step \(plan.step.id); nothing of it was done")
        }
        guard actions(said) != actions(plan), said.notes.isEmpty else { return }
        throw StepFailure(step: plan.step, message: "stale: \(plan.step.id) would now \(PlanStaleness.intent(plan)), but the saved plan said it would \(PlanStaleness.intent(said)); the target changed while this apply ran")
    }

    /// A command that could not finish (a timeout, say) fails the step it belongs to, at its line.
    private func run(_ command: ShellCommand, for step: StepInfo) throws -> ProcessResult {
        do { return try host.run(command) } catch { throw StepFailure(step: step, message: "\(error)") }
    }

    private func runHandler(_ handler: HandlerStep, skipped: String?) throws {
        if let skipped {
            report(.handler(name: handler.name, skipped: skipped))
            return
        }
        try recorder?.recordHandler(handler.name)
        let result = try run(handler.script, for: handler.info)
        guard result.succeeded else {
            throw StepFailure(step: handler.info, message: "handler \(handler.name) exited \(result.status)", output: result.output)
        }
        report(.handler(name: handler.name, skipped: nil))
    }

    private func verify(_ check: any VerifyingStep) throws {
        if let skipped = policy.skipReason(for: .checks) {
            report(.check(check.info, skipped: skipped, attempts: 0))
            return
        }
        var attempt = 0
        while true {
            attempt += 1
            let found: String?
            do { found = try check.verify(on: host) } catch { throw StepFailure(step: check.info, message: "\(error)") }
            guard let problem = found else {
                report(.check(check.info, skipped: nil, attempts: attempt))
                return
            }
            if attempt > check.retries {
                throw StepFailure(step: check.info, message: "check failed after \(attempt) attempt\(attempt == 1 ? "" : "s")",
                                  output: problem)
            }
            var pause = timespec(tv_sec: Int(check.delay), tv_nsec: Int((check.delay - check.delay.rounded(.down)) * 1e9))
            var remaining = timespec()
            while nanosleep(&pause, &remaining) != 0 && errno == EINTR { pause = remaining }
        }
    }

    /// Restores the failing chapter's changes (with `atomic`, the whole apply's), reruns the
    /// handlers that had run for them, and reports the failure.
    private func fail(_ error: Error, changed: Int) throws -> Outcome {
        let failure = "\(error)"
        let keepsEarlierChapters = !options.atomic
        var outcome = Outcome(snapshotID: recorder?.id, changedSteps: changed, failure: failure, restored: [], quit: false,
                              keptChapters: keepsEarlierChapters ? convergedChapters : [], failedChapter: currentChapter)
        guard let recorder else { return outcome }
        let records = keepsEarlierChapters ? recorder.chapterBaseline : recorder.manifest.records
        let handlersRun = keepsEarlierChapters ? recorder.chapterHandlers : recorder.manifest.handlersRun
        report(.restoring(reason: keepsEarlierChapters ? "a step failed; restoring what chapter \(currentChapter ?? "") changed"
                                                       : "a step failed; restoring what this apply changed"))
        let restorer = Restorer(host: host, store: recorder.store, executor: ChangeExecutor(host: host, recorder: nil))
        do {
            var scope = recorder.manifest
            scope.records = records
            try restorer.checkContent(for: [scope])
            outcome.restored = try restorer.restore(records)
            for path in outcome.restored {
                // The snapshot's after-state becomes the restored one, so `runbook rollback` sees no drift there.
                if keepsEarlierChapters { try recorder.recordAfter(path, on: host) }
                let (state, _) = try PathState.observe(path, on: host)
                report(.restored(path: path, to: state))
            }
            let handlersToRerun = Set(handlersRun).intersection(records.flatMap(\.notifies))
            for handler in prepared.handlers where handlersToRerun.contains(handler.name) {
                let result = try host.run(handler.script)
                report(.handlerRerun(name: handler.name, outcome: result.succeeded ? "ok" : "exited \(result.status)"))
            }
        } catch {
            outcome.restoreError = "\(error)"
        }
        let status: SnapshotManifest.Status
        if outcome.restoreError != nil {
            status = .interrupted
        } else if keepsEarlierChapters && recorder.earlierChaptersChanged {
            status = .partial
        } else {
            status = .failed
        }
        try recorder.finish(status, failure: redactor.redact(failure))
        return outcome
    }
}
