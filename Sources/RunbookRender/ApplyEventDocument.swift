import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookHost

/// `kind: "event"`: one line of `runbook apply --json`, printed as it happens. Versioned by the
/// rules of docs/JSON.md, which lists every `event` and its keys. `runbook agent` sends these
/// lines too, and `apply --host` renders them as text with ``ApplyEventRenderer``.
package struct ApplyEventDocument: Codable {
    package enum Name: String, Codable {
        case notice, chapter, stepStarted, stepFinished, checkAttempt, restoring, restored, handlerRerun
    }

    /// How a step ended, in `stepFinished`.
    package enum Outcome: String, Codable {
        case changed, unchanged, skipped, declined, ran, passed, failed
    }

    /// 1.1 added a changed step's `mark`, `changes` and `notes`, a skipped check's `mark`, and a
    /// restored path's `state`: what a remote apply needs to read as a local one.
    package var formatVersion = "1.1"
    package var kind = "event"
    package var event: Name
    package var step: String?
    package var summary: String?
    package var outcome: Outcome?
    package var reason: String?
    package var seconds: Double?
    package var attempt: Int?
    package var attempts: Int?
    package var delay: Double?
    package var handler: String?
    package var title: String?
    package var file: String?
    package var path: String?
    package var ok: Bool?
    package var status: Int32?
    package var message: String?
    /// The plan's mark of a changed step (`+`, `~`, `-`, `>`) or of a skipped check (`?`).
    package var mark: String?
    /// What a changed step changed, as the text of an apply says it under the step.
    package var changes: [String]?
    package var notes: [String]?
    /// The state a restored path was put back to, in words.
    package var state: String?

    private init(_ event: Name, _ step: StepInfo? = nil) {
        self.event = event
        self.step = step?.id
        summary = step?.summary
    }

    private init(finished step: StepInfo, _ outcome: Outcome, seconds: Double? = nil, reason: String? = nil) {
        self.init(.stepFinished, step)
        self.outcome = outcome
        self.seconds = seconds.map(DurationText.milliseconds)
        self.reason = reason
    }

    package init(_ event: ApplyEvent) {
        switch event {
        case .notice(let text):
            self.init(.notice)
            message = text
        case .chapter(let title, let file):
            self.init(.chapter)
            self.title = title
            self.file = file
        case .started(let info):
            self.init(.stepStarted, info)
        case .step(let plan, true, let seconds):
            self.init(finished: plan.step, .changed, seconds: seconds)
            mark = PlanSymbol(plan).rawValue
            let words = ChangeWords.lines(for: plan)
            changes = words.isEmpty ? nil : words
            notes = plan.notes.isEmpty ? nil : plan.notes
        case .step(let plan, false, _):
            switch plan.outcome {
            case .skipped(let reason): self.init(finished: plan.step, .skipped, reason: reason)
            case .unchanged(let reason): self.init(finished: plan.step, .unchanged, reason: reason)
            case .change: self.init(finished: plan.step, .unchanged)
            }
        case .stepDeclined(let plan):
            self.init(finished: plan.step, .declined)
        case .failed(let info, let seconds):
            self.init(finished: info, .failed, seconds: seconds)
        case .handler(let info, let name, let skipped, let seconds):
            self.init(finished: info, skipped == nil ? .ran : .skipped, seconds: seconds, reason: skipped)
            handler = name
        case .checkAttempt(let info, let failed, let attempts, let delay):
            self.init(.checkAttempt, info)
            attempt = failed
            self.attempts = attempts
            self.delay = delay
        case .check(let info, let skipped, let attempts, let seconds):
            self.init(finished: info, skipped == nil ? .passed : .skipped, seconds: seconds, reason: skipped)
            if skipped == nil { self.attempts = attempts } else { mark = "?" }
        case .restoring(let reason):
            self.init(.restoring)
            self.reason = reason
        case .restored(let path, let state):
            self.init(.restored)
            self.path = path
            self.state = state.summary
        case .handlerRerun(let name, let result):
            self.init(.handlerRerun)
            handler = name
            ok = result.succeeded
            status = result.status
        }
    }
}
