import Foundation
import RunbookKit
import XCTest
import RunbookRender
import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookMarkdown
import RunbookHost

/// What an adversarial review of the typed plan, the `--root` policy and the JSON found, each kept
/// from coming back: a plan line that promised what apply never did, a secret a rollback showed,
/// a sandbox that could not rehearse a real server's runbook, and an apply that changed files
/// before it met what planning would have refused.
final class ReviewFindingsTests: XCTestCase {
    func testAValidationThatCannotRunUnderRootIsSaidNotPromised() throws {
        let (_, arguments) = try makeRootedSandbox(self, "review-validate", chapter: """
            # V

            ```ini file=/etc/d.conf validate="false"
            d
            ```

            """, file: "01-v.md", directory: "etc")
        let plan = try RunbookBinary.run(["plan", "--no-color"] + arguments)
        XCTAssertFalse(plan.stdout.contains("validated with"), plan.stdout)
        XCTAssertTrue(plan.stdout.contains("note: --root: validations do not run"), plan.stdout)
        let apply = try RunbookBinary.run(["apply", "--no-color"] + arguments)
        XCTAssertEqual(apply.status, 0, apply.all)
        XCTAssertFalse(apply.stdout.contains("validated with"), apply.stdout)
    }

    func testARunWhosePathAnEarlierStepMakesIsUnchangedInThePlanAsInTheApply() throws {
        let (_, arguments) = try makeRootedSandbox(self, "review-creates", chapter: """
            # C

            ```ini file=/etc/marker
            m
            ```

            ```sh run creates=/etc/marker
            touch /etc/marker
            ```

            """, file: "01-c.md", directory: "etc")
        let plan = try RunbookBinary.run(["plan", "--no-color"] + arguments)
        XCTAssertTrue(plan.stdout.contains("01-c/2  run touch /etc/marker: /etc/marker exists once 01-c/1 has run"), plan.stdout)
        let apply = try RunbookBinary.run(["apply", "--no-color"] + arguments)
        XCTAssertTrue(apply.stdout.contains("01-c/2  run touch /etc/marker: /etc/marker exists"), apply.stdout)
    }

    func testASandboxRehearsesOwnersThatOnlyItsPackagesWouldBring() throws {
        let (root, arguments) = try makeRootedSandbox(self, "review-owner", chapter: """
            # O

            ```sh package=nginx
            apt install nginx
            ```

            ```nginx file=/etc/nginx/conf.d/x.conf group=www-data mode=0640
            # x
            ```

            """, file: "01-o.md", directory: "etc")
        let plan = try RunbookBinary.run(["plan", "--no-color"] + arguments)
        XCTAssertEqual(plan.status, 2, plan.all)
        XCTAssertTrue(plan.stdout.contains("note: --root: owner and group are not set"), plan.stdout)
        XCTAssertFalse(plan.stdout.contains("4294967295"), "the stand-in id never shows:\n\(plan.stdout)")
        XCTAssertEqual(try RunbookBinary.run(["apply"] + arguments).status, 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: root.appendingPathComponent("etc/nginx/conf.d/x.conf").path))
    }

    func testWhatPlanningRefusesIsRefusedBeforeAnyChapterChanges() throws {
        let base = try makeTemporaryDirectory(self, "review-upfront")
        try write("# One\n\n```ini file=/etc/first.conf\nfirst\n```\n", to: base.appendingPathComponent("runbook/01-one.md"))
        try write("# Two\n\n```ini file=/etc/taken\nsecond\n```\n", to: base.appendingPathComponent("runbook/02-two.md"))
        let root = base.appendingPathComponent("root")
        try FileManager.default.createDirectory(at: root.appendingPathComponent("etc/taken"), withIntermediateDirectories: true)
        let state = base.appendingPathComponent("state")
        let apply = try RunbookBinary.run(["apply", "--runbook", base.appendingPathComponent("runbook").path, "--root", root.path,
                                           "--state-dir", state.path])
        XCTAssertEqual(apply.status, 1, apply.all)
        XCTAssertTrue(apply.stderr.contains("02-two.md:3:1"), apply.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("etc/first.conf").path),
                       "chapter 01 was applied before chapter 02's error was found")
        let snapshots = try RunbookBinary.run(["snapshots", "--root", root.path, "--state-dir", state.path])
        XCTAssertFalse(snapshots.stdout.contains("failed"), "no snapshot of a half-apply:\n\(snapshots.stdout)")
    }

    func testARollbackNeverShowsASecretThatTheReplacedFileHeld() throws {
        let token = "legacy-TOKEN-0123456789abcdef"
        let (root, arguments) = try makeRootedSandbox(self, "review-drift", chapter: """
            # App

            ```text vars
            key  secret  about="api key"
            ```

            ```ini file=/etc/app.conf
            include /etc/app.d/*.conf
            ```

            """, file: "01-app.md", directory: "etc")
        let vars = root.deletingLastPathComponent().appendingPathComponent("vars")
        try write("key=\(token)\n", to: vars, mode: 0o600)
        try write("token=\(token)\n", to: root.appendingPathComponent("etc/app.conf"))
        XCTAssertEqual(try RunbookBinary.run(["apply", "--vars-file", vars.path] + arguments).status, 0)
        try write("# restored by hand\ntoken=\(token)\n", to: root.appendingPathComponent("etc/app.conf"))
        for command in [["rollback"], ["rollback", "--json"], ["snapshots", "show", "1"], ["snapshots", "show", "1", "--json"]] {
            let result = try RunbookBinary.run(command + arguments)
            XCTAssertFalse(result.all.contains(token), "\(command.joined(separator: " ")) showed the secret:\n\(result.all)")
        }
    }
}
