import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookHost

/// Renders what an apply or rollback does, one line per event, as it happens.
public struct ApplyEventRenderer {
    public var style: TextStyle

    public init(style: TextStyle) { self.style = style }

    /// What the event document does not carry is rendered from the event itself: a changed
    /// step's mark and its changes, a skipped check, a restored path's state and a handler's
    /// output. Every other line is the document's, so a local apply and `apply --host` show it alike.
    public func render(_ event: ApplyEvent) -> String {
        switch event {
        case .step(let plan, let applied, let seconds) where applied || plan.hasChanges:
            let symbol = PlanSymbol(plan)
            let line = symbol.styled("  \(symbol.rawValue) \(plan.step.id)", style) + "  \(plan.step.summary)"
            guard applied else { return line }
            return line + took(seconds) + ChangeWords.lines(for: plan).map { "\n      \($0)" }.joined()
                + plan.notes.map { "\n      " + style.yellow("note: \($0)") }.joined()
        case .check(let info, let skipped?, _, _):
            return "  ? \(info.id)  \(info.summary)" + style.dim(": skipped, \(skipped)")
        case .restored(let path, let state):
            return "  ↺ \(path)" + style.dim(": \(state.summary)")
        case .handlerRerun(let name, let result):
            let outcome = result.succeeded ? "ok" : "exited \(result.status)" + (result.output.isEmpty ? "" : ": \(result.output)")
            return style.yellow("  ! handler \(name) rerun") + ": \(outcome)"
        default:
            return render(ApplyEventDocument(event))
        }
    }

    /// One line of `apply --json`, as text: how `apply --host` shows what the server's agent sends,
    /// as a local apply shows it, but for a handler rerun that failed, which shows its exit status
    /// and not its output (no event carries a command's output).
    package func render(_ document: ApplyEventDocument) -> String {
        let step = "\(document.step ?? "")  \(document.summary ?? "")"
        switch document.event {
        case .notice:
            return style.yellow("note: \(document.message ?? "")")
        case .chapter:
            return "\n" + style.bold(document.title ?? "") + style.dim(" (\(document.file ?? ""))")
        case .stepStarted:
            return "  → " + step + style.dim(": started")
        case .checkAttempt:
            return "  → " + step + style.dim(": attempt \(document.attempt ?? 0) of \(document.attempts ?? 0) failed; "
                + "the next in \(DurationText.of(document.delay ?? 0))")
        case .restoring:
            return "\n" + style.red(style.bold("Restoring: \(document.reason ?? "")"))
        case .restored:
            return "  ↺ \(document.path ?? "")" + (document.state.map { style.dim(": \($0)") } ?? "")
        case .handlerRerun:
            return style.yellow("  ! handler \(document.handler ?? "") rerun") + ": " + (document.ok == true ? "ok" : "exited \(document.status ?? 1)")
        case .stepFinished:
            return finished(document)
        }
    }

    private func finished(_ document: ApplyEventDocument) -> String {
        let id = document.step ?? ""
        let summary = document.summary ?? ""
        func marked(_ symbol: PlanSymbol) -> String { symbol.styled("  \(symbol.rawValue) \(id)", style) + "  \(summary)" }
        if let handler = document.handler {
            return style.yellow("  ! handler \(handler)")
                + (document.outcome == .skipped ? style.dim(": skipped, \(document.reason ?? "")") : " ran" + took(document.seconds))
        }
        switch document.outcome ?? .unchanged {
        case .changed:
            return marked(document.mark.flatMap(PlanSymbol.init(rawValue:)) ?? .update) + took(document.seconds)
                + (document.changes ?? []).map { "\n      \($0)" }.joined()
                + (document.notes ?? []).map { "\n      " + style.yellow("note: \($0)") }.joined()
        case .skipped where document.mark == "?":
            return "  ? \(id)  \(summary)" + style.dim(": skipped, \(document.reason ?? "")")
        case .unchanged: return marked(.unchanged) + (document.reason.map { style.dim(": \($0)") } ?? "")
        case .skipped: return marked(.unchanged) + style.dim(": skipped, \(document.reason ?? "")")
        case .declined: return marked(.unchanged) + ": not applied (declined)"
        case .failed: return style.red("  ✗ \(id)") + "  \(summary)" + style.red(": failed") + took(document.seconds)
        case .ran: return style.yellow("  ! handler") + " ran" + took(document.seconds)
        case .passed: return style.green("  ✓ \(id)") + "  " + summary + took(document.seconds, after: document.attempts ?? 1)
        }
    }

    /// What a terminal shows while a step runs: its id, what it does, how long it has run and, for
    /// a check that retries, which attempt this is. Plain and at most `width` characters, the
    /// summary cut short first, so that it never wraps and can be drawn again in place.
    public func live(_ info: StepInfo, elapsed: Double, attempt: (number: Int, of: Int)?, width: Int) -> String {
        let head = "  → \(info.id)  "
        let tail = "  \(DurationText.elapsed(elapsed))" + (attempt.map { ", attempt \($0.number) of \($0.of)" } ?? "")
        let room = width - head.count - tail.count
        let summary = info.summary.count <= room ? info.summary : String(info.summary.prefix(max(0, room - 1))) + "…"
        return String((head + summary + tail).prefix(width))
    }

    /// The total time, then the three steps that took longest, slowest first.
    public func timing(_ outcome: Applier.Outcome) -> String {
        let total = "Took \(DurationText.of(outcome.seconds))"
        let slowest = outcome.slowestSteps
        guard !slowest.isEmpty else { return total + "." }
        let durations = slowest.map { DurationText.of($0.seconds) }
        let width = durations.map(\.count).max() ?? 0
        let rows = zip(slowest, durations).map { timing, duration in
            "\n  " + duration + String(repeating: " ", count: width - duration.count) + "  \(timing.step.id)  \(timing.step.summary)"
        }
        return total + "; the slowest step\(slowest.count == 1 ? "" : "s"):" + rows.joined()
    }

    private func took(_ seconds: Double?, after attempts: Int = 1) -> String {
        let parts = (attempts > 1 ? ["after \(attempts) attempts"] : []) + (seconds.map { [DurationText.of($0)] } ?? [])
        return parts.isEmpty ? "" : style.dim(" (\(parts.joined(separator: ", ")))")
    }
}
