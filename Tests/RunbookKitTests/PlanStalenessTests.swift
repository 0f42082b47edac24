import RunbookKit
import XCTest
import RunbookRender
import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookMarkdown
import RunbookHost

/// What makes a saved plan stale, as values: the same step observed at plan time and again at
/// apply, and the item that names the difference.
final class PlanStalenessTests: XCTestCase {
    func info(_ kind: StepKind, _ summary: String) -> StepInfo {
        StepInfo(id: "01-demo/1", kind: kind, chapter: "01-demo", location: SourceLocation(file: "Runbook/01-demo.md", line: 3),
                 heading: nil, summary: summary)
    }

    func file(_ uid: UInt32, mode: UInt32 = 0o644, hash: String = String(repeating: "a", count: 64)) -> PathState {
        PathState(kind: .file, mode: mode, uid: uid, gid: uid, sha256: hash)
    }

    func observing(_ state: PathState, outcome: StepPlan.Outcome = .unchanged("content, mode and owner already match")) -> StepPlan {
        var plan = StepPlan(step: info(StepKind("file"), "file /etc/demo.conf"), outcome: outcome)
        plan.observed = [StepPlan.ObservedPath(path: "/etc/demo.conf", state: state)]
        return plan
    }

    func testAnOwnerChangeIsNamedWithBothOwners() {
        let items = PlanStaleness.differences(observing(file(0)), observing(file(33)), ignoringContentHashes: false)
        XCTAssertEqual(items, ["/etc/demo.conf changed since the plan (owner 0:0 → 33:33)"])
    }

    func testEveryDifferenceOfOnePathIsNamedAtOnce() {
        let items = PlanStaleness.differences(observing(file(0)), observing(file(0, mode: 0o600, hash: String(repeating: "b", count: 64))),
                                              ignoringContentHashes: false)
        XCTAssertEqual(items, ["/etc/demo.conf changed since the plan (sha256 aaaaaaaaaaaa… → bbbbbbbbbbbb…, mode 0644 → 0600)"])
    }

    func testAPackageInstalledSinceThePlanIsNamed() {
        var saved = StepPlan(step: info(StepKind("package"), "package nginx, curl"), outcome: .change)
        saved.planned = [PlannedChange(action: .install, path: nil, packages: ["nginx", "curl"], script: nil, before: nil, after: nil)]
        var now = saved
        now.planned = [PlannedChange(action: .install, path: nil, packages: ["curl"], script: nil, before: nil, after: nil)]
        XCTAssertEqual(PlanStaleness.differences(saved, now, ignoringContentHashes: false),
                       ["01-demo/1 (package nginx, curl) would now install curl; the plan said it would install nginx, curl"])
        let installed = StepPlan(step: saved.step, outcome: .unchanged("nginx, curl are installed"))
        XCTAssertEqual(PlanStaleness.differences(saved, installed, ignoringContentHashes: false),
                       ["01-demo/1 (package nginx, curl) would now do nothing (nginx, curl are installed); the plan said it would install nginx, curl"])
    }

    func testTheSameObservationIsNotStale() {
        XCTAssertEqual(PlanStaleness.differences(observing(file(0)), observing(file(0)), ignoringContentHashes: false), [])
    }

    /// A secret generated at apply is not the one imagined at plan time: the hash of the content
    /// that holds it differs, and only that is let pass.
    func testAGeneratedSecretChangesOnlyTheContentHashWhichIsLetPass() {
        func writing(_ hash: String) -> StepPlan {
            var plan = StepPlan(step: info(StepKind("file"), "file /etc/key.conf"), outcome: .change)
            plan.planned = [PlannedChange(action: .create, path: "/etc/key.conf", packages: [], script: nil, before: .absent,
                                          after: PathState(kind: .file, mode: 0o600, sha256: hash))]
            return plan
        }
        let saved = writing(String(repeating: "a", count: 64)), now = writing(String(repeating: "b", count: 64))
        XCTAssertEqual(PlanStaleness.differences(saved, now, ignoringContentHashes: true), [])
        XCTAssertEqual(PlanStaleness.differences(saved, now, ignoringContentHashes: false).count, 1)
    }
}
