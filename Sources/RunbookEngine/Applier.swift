import FoundationEssentials
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
        /// The step `--step` was answered `q` at: the apply stopped there, at the operator's request.
        public var stoppedBefore: StepInfo?
        /// The chapters that converged and passed their checks before the failure, and stay applied.
        public var keptChapters: [String] = []
        /// The chapter that failed; its changes (or, with `atomic`, the whole apply's) were restored.
        public var failedChapter: String?
        /// How long the whole apply took, restoring included.
        public var seconds: Double = 0
        /// Every step's changes, handler and check that ran, in the order they ran.
        public var timings: [StepTiming] = []

        /// What the summary names: the three that took longest.
        public var slowestSteps: [StepTiming] { StepTiming.slowest(3, of: timings) }

        package init(snapshotID: Int?, changedSteps: Int, failure: String?, restored: [String], restoreError: String? = nil,
                     stoppedBefore: StepInfo? = nil, keptChapters: [String] = [], failedChapter: String? = nil) {
            self.snapshotID = snapshotID
            self.changedSteps = changedSteps
            self.failure = failure
            self.restored = restored
            self.restoreError = restoreError
            self.stoppedBefore = stoppedBefore
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
    private var timings: [StepTiming] = []

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
        let start = MonotonicClock.nanoseconds()
        var outcome = try converge()
        outcome.seconds = MonotonicClock.secondsSince(start)
        outcome.timings = timings
        return outcome
    }

    private func converge() throws -> Outcome {
        try state.storeSecrets(prepared.variables.pendingGenerated)
        sensitivePaths = try state.snapshots.sensitivePaths()
        var changed = 0
        do {
            for chapter in selectedChapters where !chapter.steps.isEmpty {
                currentChapter = chapter.chapter.name
                recorder?.beginChapter()
                let (count, stoppedBefore) = try run(chapter)
                changed += count
                if let stoppedBefore {
                    // Only the chapters it went through: the ones after it never ran.
                    try recorder?.finish(.stopped, chapters: convergedChapters + [chapter.chapter.name])
                    return Outcome(snapshotID: recorder?.id, changedSteps: changed, failure: nil, restored: [], stoppedBefore: stoppedBefore)
                }
                convergedChapters.append(chapter.chapter.name)
            }
        } catch {
            return try fail(error, changed: changed)
        }
        try recorder?.finish(.succeeded)
        try keepGivenValues()
        return Outcome(snapshotID: recorder?.id, changedSteps: changed, failure: nil, restored: [])
    }

    /// Only an apply that succeeded keeps the values it was given: they are what the target now
    /// holds, so later plans and applies start from them. One stopped at the operator's request
    /// keeps none, as what it was given may be what they stopped it for.
    private func keepGivenValues() throws {
        let variables = prepared.variables
        try state.keep(variables.givenNow, secrets: Set(variables.declarations.values.filter(\.isSecret).map(\.name)),
                       snapshot: recorder?.id)
    }

    /// Runs a chapter's steps, its handlers and its checks. Stopped at the operator's request, the
    /// handlers of what was carried out still run, so that services pick up what stays applied;
    /// the checks do not, since the chapter is not complete.
    private func run(_ chapter: PreparedRunbook.PreparedChapter) throws -> (changed: Int, stoppedBefore: StepInfo?) {
        report(.chapter(title: chapter.chapter.title, file: chapter.chapter.file))
        var carriedOut: [StepPlan] = []
        var stoppedBefore: StepInfo?
        steps: for step in chapter.changingSteps where options.selection.includes(stepID: step.info.id) {
            try FaultInjection.throwingPoint("step:\(step.info.id)")
            let plan = try PlanningView(host: host, sensitivePaths: sensitivePaths).observe(step)
            if let saved = options.savedPlan { try confirm(plan, keepsTo: saved) }
            guard plan.hasChanges else {
                report(.step(plan, applied: false, seconds: nil))
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
                    stoppedBefore = plan.step
                    break steps
                }
            }
            let seconds = try timed(plan.step) { try carryOut(plan, of: step) }
            carriedOut.append(plan)
            report(.step(plan, applied: true, seconds: seconds))
        }
        for firing in Plan.HandlerFiring.firings(of: prepared.handlers, for: carriedOut, policy: policy) {
            try runHandler(prepared.handlers.first { $0.name == firing.name }!, skipped: firing.skipped)
        }
        guard stoppedBefore == nil else { return (carriedOut.count, stoppedBefore) }
        for check in chapter.checks where options.selection.includes(stepID: check.info.id) {
            try verify(check)
        }
        return (carriedOut.count, nil)
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

    /// Announces the work, and times it: the duration, or a `failed` event before the error goes on.
    private func timed(_ step: StepInfo, _ work: () throws -> Void) throws -> Double {
        report(.started(step))
        let start = MonotonicClock.nanoseconds()
        do {
            try work()
        } catch {
            report(.failed(step, seconds: MonotonicClock.secondsSince(start)))
            throw error
        }
        let seconds = MonotonicClock.secondsSince(start)
        timings.append(StepTiming(step: step, seconds: seconds))
        return seconds
    }

    /// A command that could not finish (a timeout, say) fails the step it belongs to, at its line.
    private func run(_ command: ShellCommand, for step: StepInfo) throws -> ProcessResult {
        do { return try host.run(command) } catch { throw StepFailure(step: step, message: "\(error)") }
    }

    private func runHandler(_ handler: HandlerStep, skipped: String?) throws {
        if let skipped {
            report(.handler(handler.info, name: handler.name, skipped: skipped, seconds: nil))
            return
        }
        try recorder?.recordHandler(handler.name)
        let seconds = try timed(handler.info) {
            let result = try run(handler.script, for: handler.info)
            guard result.succeeded else {
                throw StepFailure(step: handler.info, message: "handler \(handler.name) exited \(result.status)", output: result.output)
            }
        }
        report(.handler(handler.info, name: handler.name, skipped: nil, seconds: seconds))
    }

    private func verify(_ check: any VerifyingStep) throws {
        if let skipped = policy.skipReason(for: .checks) {
            report(.check(check.info, skipped: skipped, attempts: 0, seconds: nil))
            return
        }
        var attempt = 0
        let seconds = try timed(check.info) {
            while true {
                attempt += 1
                let found: String?
                do { found = try check.verify(on: host) } catch { throw StepFailure(step: check.info, message: "\(error)") }
                guard let problem = found else { return }
                if attempt > check.retries {
                    throw StepFailure(step: check.info, message: "check failed after \(attempt) attempt\(attempt == 1 ? "" : "s")",
                                      output: problem)
                }
                report(.checkAttempt(check.info, failed: attempt, of: check.retries + 1, delay: check.delay))
                MonotonicClock.pause(seconds: check.delay)
            }
        }
        report(.check(check.info, skipped: nil, attempts: attempt, seconds: seconds))
    }

    /// Restores the failing chapter's changes (with `atomic`, the whole apply's), reruns the
    /// handlers that had run for them, and reports the failure.
    private func fail(_ error: Error, changed: Int) throws -> Outcome {
        let failure = "\(error)"
        let keepsEarlierChapters = !options.atomic
        var outcome = Outcome(snapshotID: recorder?.id, changedSteps: changed, failure: failure, restored: [],
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
                report(.handlerRerun(name: handler.name, result: try host.run(handler.script)))
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
