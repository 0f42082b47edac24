import RunbookKit
import FoundationEssentials
import XCTest
import RunbookRender
import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookMarkdown
import RunbookHost

/// The one `--root` policy: changes say what they need, and what the target lacks is skipped.
final class TargetPolicyTests: XCTestCase {
    let sandbox = TargetPolicy(host: RootedHost(root: "/tmp/policy-sandbox"))
    let machine = TargetPolicy(host: LiveHost())
    let info = StepInfo(id: "01-demo/1", kind: StepKind("file"), chapter: "01-demo", location: SourceLocation(file: "rb/01-demo.md", line: 3),
                        heading: nil, summary: "demo")

    func plan(_ changes: [Change]) -> StepPlan {
        StepPlan(step: info, outcome: .change, changes: changes, validation: ShellCommand(script: "true"))
    }

    func testWhatASandboxCannotDoIsSkippedWithWhy() {
        let script = ShellCommand(script: "touch /x")
        XCTAssertEqual(sandbox.admit(plan([.runScript(script, makes: [])])).outcome, .skipped("--root: commands do not run"))
        XCTAssertEqual(sandbox.admit(plan([.installPackages(["nginx"])])).outcome, .skipped("--root: packages are not installed"))
        XCTAssertNil(sandbox.admit(plan([.installPackages(["nginx"])])).validation, "a skipped step validates nothing")
        XCTAssertEqual(sandbox.skipReason(for: .handlers), "--root: handlers do not run")
        XCTAssertEqual(sandbox.skipReason(for: .checks), "--root: checks do not run")
        XCTAssertFalse(sandbox.warnsAboutExampleValues)
    }

    func testAStepThatCanPartlyBeDoneKeepsTheRestAndSaysWhatIsLeftOut() {
        let write = Change.writeFile(path: "/etc/x", content: Data("x".utf8), mode: 0o600)
        let admitted = sandbox.admit(plan([write, .setOwner(path: "/etc/x", uid: 0, gid: 0)]))
        XCTAssertEqual(admitted.outcome, .change)
        XCTAssertEqual(admitted.changes, [write])
        XCTAssertEqual(admitted.notes, ["--root: validations do not run", "--root: owner and group are not set"],
                       "a validate= that would not run is said, not implied")
        XCTAssertNil(admitted.validation)
    }

    func testTheMachineItselfDoesEverything() {
        let all = plan([.runScript(ShellCommand(script: "true"), makes: []), .installPackages(["nginx"]), .setOwner(path: "/x", uid: 0, gid: 0)])
        XCTAssertEqual(machine.admit(all), all)
        XCTAssertNil(machine.skipReason(for: .handlers))
        XCTAssertTrue(machine.warnsAboutExampleValues)
    }
}
