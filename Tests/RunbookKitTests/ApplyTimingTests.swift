import RunbookKit
import XCTest
import RunbookRender
import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookMarkdown
import RunbookHost

/// The apply summary's timing: the total, then the three steps that took longest, slowest first,
/// with durations people read at a glance.
final class ApplyTimingTests: XCTestCase {
    func step(_ number: Int, _ summary: String) -> StepInfo {
        StepInfo(id: "01-demo/\(number)", kind: StepKind("run"), chapter: "01-demo", location: SourceLocation(file: "rb/01-demo.md", line: number),
                 heading: nil, summary: summary)
    }

    func outcome(seconds: Double, _ timings: [(Int, Double)]) -> Applier.Outcome {
        var outcome = Applier.Outcome(snapshotID: 1, changedSteps: timings.count, failure: nil, restored: [])
        outcome.seconds = seconds
        outcome.timings = timings.map { StepTiming(step: step($0.0, "run step \($0.0)"), seconds: $0.1) }
        return outcome
    }

    func testTheThreeSlowestComeFirstAndTiesKeepTheirOrder() {
        let slowest = outcome(seconds: 9, [(1, 0.5), (2, 3), (3, 0.5), (4, 1.25), (5, 0.001)]).slowestSteps
        XCTAssertEqual(slowest.map(\.step.id), ["01-demo/2", "01-demo/4", "01-demo/1"])
        XCTAssertEqual(outcome(seconds: 1, [(1, 0.2)]).slowestSteps.map(\.step.id), ["01-demo/1"])
        XCTAssertEqual(outcome(seconds: 0.01, []).slowestSteps.count, 0)
    }

    func testDurationsReadAtAGlance() {
        XCTAssertEqual(DurationText.of(0.0042), "4 ms")
        XCTAssertEqual(DurationText.of(1.46), "1.5 s")
        XCTAssertEqual(DurationText.of(59.94), "59.9 s")
        XCTAssertEqual(DurationText.of(125.4), "2 min 5 s")
        XCTAssertEqual(DurationText.elapsed(4.9), "4 s")
        XCTAssertEqual(DurationText.elapsed(61), "1 min 1 s")
        XCTAssertEqual(DurationText.milliseconds(1.506694685), 1.507)
    }

    func testTheSummaryGivesTheTotalThenTheSlowestStepsInAColumn() {
        let renderer = ApplyEventRenderer(style: TextStyle(enabled: false))
        XCTAssertEqual(renderer.timing(outcome(seconds: 34.2, [(1, 0.012), (2, 31.85), (3, 1.5), (4, 0.003)])), """
            Took 34.2 s; the slowest steps:
              31.9 s  01-demo/2  run step 2
              1.5 s   01-demo/3  run step 3
              12 ms   01-demo/1  run step 1
            """)
        XCTAssertEqual(renderer.timing(outcome(seconds: 0.02, [])), "Took 20 ms.")
    }

    func testTheLiveLineNamesTheStepItsTimeAndTheAttempt() {
        let renderer = ApplyEventRenderer(style: TextStyle(enabled: false))
        let check = step(7, "check curl -sf localhost")
        XCTAssertEqual(renderer.live(check, elapsed: 3.7, attempt: nil, width: 79), "  → 01-demo/7  check curl -sf localhost  3 s")
        XCTAssertEqual(renderer.live(check, elapsed: 12.2, attempt: (2, 11), width: 79), "  → 01-demo/7  check curl -sf localhost  12 s, attempt 2 of 11")
        // Too wide for the terminal, the summary gives way: the time and the attempt stay.
        XCTAssertEqual(renderer.live(check, elapsed: 12.2, attempt: (2, 11), width: 50), "  → 01-demo/7  check curl …  12 s, attempt 2 of 11")
    }
}
