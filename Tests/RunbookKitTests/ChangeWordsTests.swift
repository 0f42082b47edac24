import RunbookKit
import XCTest
import RunbookRender
import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookMarkdown
import RunbookHost

/// The words of a plan come from its data: each kind of planned change reads the same in every
/// renderer, and a skipped step says what it would do.
final class ChangeWordsTests: XCTestCase {
    let info = StepInfo(id: "01-demo/1", kind: StepKind("file"), chapter: "01-demo", location: SourceLocation(file: "rb/01-demo.md", line: 3),
                        heading: nil, summary: "demo")
    let file = PathState(kind: .file, mode: 0o644, uid: 0, gid: 0, sha256: String(repeating: "a", count: 64))

    func lines(_ planned: [PlannedChange], outcome: StepPlan.Outcome = .change, verdict: GuardVerdict? = nil) -> [String] {
        var plan = StepPlan(step: info, outcome: outcome, verdict: verdict)
        plan.planned = planned
        return ChangeWords.lines(for: plan)
    }

    func change(_ action: PlannedChange.Action, before: PathState?, after: PathState?) -> PlannedChange {
        PlannedChange(action: action, path: "/etc/x", packages: [], script: nil, before: before, after: after)
    }

    func testAnUpdateNamesContentModeAndOwnerEachOnItsLine() {
        var after = file
        after.sha256 = String(repeating: "b", count: 64)
        after.mode = 0o600
        after.uid = 33
        after.gid = 33
        XCTAssertEqual(lines([change(.update, before: file, after: after)]), ["update /etc/x", "mode 0644 → 0600", "owner 0:0 → 33:33"])
    }

    func testRemovalsAndLinksSayWhatWasThere() {
        let link = PathState(kind: .symlink, linkTarget: "/etc/y")
        XCTAssertEqual(lines([change(.delete, before: link, after: .absent)]), ["remove the link /etc/x -> /etc/y"])
        XCTAssertEqual(lines([change(.delete, before: PathState(kind: .directory, mode: 0o755), after: .absent)]),
                       ["remove the directory /etc/x and everything in it"])
        XCTAssertEqual(lines([change(.link, before: file, after: link)]),
                       ["replace the file /etc/x with a link to /etc/y (the file is kept in the snapshot)"])
        XCTAssertEqual(lines([change(.link, before: PathState(kind: .symlink, linkTarget: "/etc/z"), after: link)]),
                       ["link /etc/x: /etc/z → /etc/y"])
    }

    func testARunSaysWhyAndASkippedStepWhatItWouldDo() {
        let run = PlannedChange(action: .run, path: nil, packages: [], script: "true", made: ["/srv/made"], before: nil, after: nil)
        XCTAssertEqual(lines([run], verdict: .exited(guard: "unless", command: "test -e /srv/made", status: 1)),
                       ["runs: the guard unless `test -e /srv/made` exited 1", "makes /srv/made, which a rollback removes or puts back"])
        XCTAssertEqual(lines([run], outcome: .skipped("--root: commands do not run"), verdict: .notEvaluated(guard: "onlyif", command: "test -e /a")),
                       ["would run if the guard onlyif `test -e /a` succeeds; it is not evaluated here"])
        let install = PlannedChange(action: .install, path: nil, packages: ["nginx", "curl"], script: nil, before: nil, after: nil)
        XCTAssertEqual(lines([install], outcome: .skipped("--root: packages are not installed")), ["would install nginx, curl with apt-get"])
    }
}
