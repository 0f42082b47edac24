import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookHost

/// Renders what an apply or rollback does, one line per event, as it happens.
public struct ApplyEventRenderer {
    public var style: TextStyle

    public init(style: TextStyle) { self.style = style }

    public func render(_ event: ApplyEvent) -> String {
        switch event {
        case .notice(let text):
            return style.yellow("note: \(text)")
        case .chapter(let title, let file):
            return "\n" + style.bold(title) + style.dim(" (\(file))")
        case .started(let info):
            return running(info) + style.dim(": started")
        case .step(let plan, let applied, let seconds):
            let symbol = PlanSymbol(plan)
            let line = symbol.styled("  \(symbol.rawValue) \(plan.step.id)", style) + "  \(plan.step.summary)"
            if applied {
                return line + took(seconds) + ChangeWords.lines(for: plan).map { "\n      \($0)" }.joined()
                    + plan.notes.map { "\n      " + style.yellow("note: \($0)") }.joined()
            }
            switch plan.outcome {
            case .skipped(let reason): return line + style.dim(": skipped, \(reason)")
            case .unchanged(let reason): return line + style.dim(": \(reason)")
            case .change: return line
            }
        case .stepDeclined(let plan):
            return PlanSymbol.unchanged.styled("  \(PlanSymbol.unchanged.rawValue) \(plan.step.id)", style) + "  \(plan.step.summary): not applied (declined)"
        case .failed(let info, let seconds):
            return style.red("  ✗ \(info.id)") + "  \(info.summary)" + style.red(": failed") + took(seconds)
        case .handler(_, let name, let skipped, let seconds):
            return style.yellow("  ! handler \(name)") + (skipped.map { style.dim(": skipped, \($0)") } ?? " ran" + took(seconds))
        case .checkAttempt(let info, let failed, let attempts, let delay):
            return running(info) + style.dim(": attempt \(failed) of \(attempts) failed; the next in \(DurationText.of(delay))")
        case .check(let info, let skipped, let attempts, let seconds):
            if let skipped { return "  ? \(info.id)  \(info.summary)" + style.dim(": skipped, \(skipped)") }
            return style.green("  ✓ \(info.id)") + "  \(info.summary)" + took(seconds, after: attempts)
        case .restoring(let reason):
            return "\n" + style.red(style.bold("Restoring: \(reason)"))
        case .restored(let path, let state):
            return "  ↺ \(path)" + style.dim(": \(state.summary)")
        case .handlerRerun(let name, let result):
            let outcome = result.succeeded ? "ok" : "exited \(result.status)" + (result.output.isEmpty ? "" : ": \(result.output)")
            return style.yellow("  ! handler \(name) rerun") + ": \(outcome)"
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

    private func running(_ info: StepInfo) -> String { "  → \(info.id)  \(info.summary)" }

    private func took(_ seconds: Double?, after attempts: Int = 1) -> String {
        let parts = (attempts > 1 ? ["after \(attempts) attempts"] : []) + (seconds.map { [DurationText.of($0)] } ?? [])
        return parts.isEmpty ? "" : style.dim(" (\(parts.joined(separator: ", ")))")
    }
}
