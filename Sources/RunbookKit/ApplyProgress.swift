import Dispatch
import RunbookRender
import RunbookEngine
import RunbookSteps
import RunbookHost

/// Where an apply's events go as they happen. With `--json`, each is a line of the NDJSON stream.
/// On a terminal, the final line of each step, and while a step runs longer than about a second a
/// live line in its place: what runs, for how long, and which attempt of a check this is. Anywhere
/// else (a log, a pipe), a line when a step starts and one when it ends.
package final class ApplyProgress: @unchecked Sendable {
    private enum Form { case json, terminal, log }

    private let console: Console
    private let renderer: ApplyEventRenderer
    private let form: Form
    /// The live line's state is touched only on this queue, so a redraw never splits another line.
    private let queue = DispatchQueue(label: "runbook.apply-progress")
    private var running: (step: StepInfo, since: UInt64, attempt: (number: Int, of: Int)?)?
    /// What the live line shows now; empty when none is drawn.
    private var shown = ""
    private var stopped = false

    /// A step that ends sooner never draws a live line, so quick steps do not flicker.
    private static let liveAfter = 1.0
    private static let redrawInterval = 0.2

    package init(console: Console, renderer: ApplyEventRenderer, json: Bool) {
        self.console = console
        self.renderer = renderer
        form = json ? .json : console.isTerminal ? .terminal : .log
        guard form == .terminal else { return }
        DispatchQueue.global().async { [self] in
            while queue.sync(execute: redrawUnlessStopped) { MonotonicClock.pause(seconds: Self.redrawInterval) }
        }
    }

    package func report(_ event: ApplyEvent) {
        switch form {
        case .json:
            // A document of strings and finite numbers always encodes.
            if let line = try? JSONOutput.line(ApplyEventDocument(event)) { console.line(line) }
        case .log:
            console.line(renderer.render(event))
        case .terminal:
            queue.sync { show(event) }
        }
    }

    /// Stops the redraws and wipes a live line still drawn, before the summary is printed.
    package func finish() {
        queue.sync {
            stopped = true
            running = nil
            wipe()
        }
    }

    private func show(_ event: ApplyEvent) {
        switch event {
        case .started(let step):
            wipe()
            running = (step, MonotonicClock.nanoseconds(), nil)
        case .checkAttempt(let step, let failed, let attempts, _):
            running = (step, running?.since ?? MonotonicClock.nanoseconds(), (failed + 1, attempts))
            redraw()
        default:
            wipe()
            running = nil
            console.line(renderer.render(event))
        }
    }

    /// False once the apply has finished with it.
    private func redrawUnlessStopped() -> Bool {
        redraw()
        return !stopped
    }

    private func redraw() {
        guard let running, !stopped else { return }
        let elapsed = MonotonicClock.secondsSince(running.since)
        guard elapsed >= Self.liveAfter else { return }
        // Masked before it is cut to the width, so that no part of a secret is left to show.
        var step = running.step
        step.summary = console.redactor.redact(step.summary)
        let text = renderer.live(step, elapsed: elapsed, attempt: running.attempt, width: console.columns - 1)
        guard text != shown else { return }
        console.out("\r" + text + String(repeating: " ", count: max(0, shown.count - text.count)))
        shown = text
    }

    private func wipe() {
        guard !shown.isEmpty else { return }
        console.out("\r" + String(repeating: " ", count: shown.count) + "\r")
        shown = ""
    }
}
