import Foundation
import XCTest

/// The engine's story on the fixture runbook: a fresh root, a plan, an apply, a re-plan that
/// shows nothing, a second apply that touches nothing, and a rollback that restores every byte.
final class FixtureLifecycleTests: XCTestCase {
    var root: URL!
    var state: URL!
    let runbook = RunbookBinary.fixtures.appendingPathComponent("runbooks/basic").path

    override func setUpWithError() throws {
        let base = try makeTemporaryDirectory(self)
        root = base.appendingPathComponent("root")
        state = base.appendingPathComponent("state")
        try seedFreshRoot(root)
    }

    /// What a fresh server has before the runbook: a default site and a legacy folder to remove.
    func seedFreshRoot(_ root: URL) throws {
        try write("listen 80 default;\n", to: root.appendingPathComponent("etc/demo/enabled/default.conf"))
        try write("old\n", to: root.appendingPathComponent("etc/demo/legacy/a.txt"), mode: 0o600)
        try write("older\n", to: root.appendingPathComponent("etc/demo/legacy/sub/b.txt"))
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("etc/demo/legacy/link").path,
                                                   withDestinationPath: "sub/b.txt")
        try write("127.0.0.1 localhost\n", to: root.appendingPathComponent("etc/hosts"))
    }

    func runbook(_ command: String, _ extra: [String] = [], environment: [String: String] = [:]) throws -> Subprocess.Result {
        // `snapshots` reads only the state directory, so it takes no --runbook.
        let source = command == "snapshots" ? [] : ["--runbook", runbook]
        return try RunbookBinary.run([command] + source + ["--root", root.path, "--state-dir", state.path] + extra,
                                     environment: environment)
    }

    func testPlanApplyConvergeAndRollbackRestoresEveryByte() throws {
        let fresh = try TreeManifest(root)

        let firstPlan = try runbook("plan")
        XCTAssertEqual(firstPlan.status, 2, firstPlan.all)
        for title in ["Configure the application", "Enable the site", "System pieces"] {
            XCTAssertTrue(firstPlan.stdout.contains(title), "plan should list chapter \(title):\n\(firstPlan.stdout)")
        }
        XCTAssertTrue(firstPlan.stdout.contains("+++ /etc/demo/app.conf"), firstPlan.stdout)
        XCTAssertTrue(firstPlan.stdout.contains("skipped, --root"), firstPlan.stdout)
        XCTAssertEqual(try TreeManifest(root), fresh, "plan must not change anything")

        let apply = try runbook("apply")
        XCTAssertEqual(apply.status, 0, apply.all)
        let applied = try TreeManifest(root)
        XCTAssertEqual(applied.entries["/etc/demo/app.conf"]?.hasPrefix("file 644"), true, applied.description)
        XCTAssertEqual(applied.entries["/etc/demo/key.conf"]?.hasPrefix("file 600"), true, applied.description)
        XCTAssertEqual(applied.entries["/etc/demo/enabled/site.conf"], "link -> /etc/demo/app.conf")
        XCTAssertNil(applied.entries["/etc/demo/enabled/default.conf"])
        XCTAssertNil(applied.entries["/etc/demo/legacy"])
        XCTAssertNotNil(applied.entries["/var/www/demo/index.html"])
        let page = try String(contentsOf: root.appendingPathComponent("var/www/demo/index.html"), encoding: .utf8)
        XCTAssertEqual(page, "<p>Hello from demo</p>\n")

        let replan = try runbook("plan")
        XCTAssertEqual(replan.status, 0, replan.all)
        XCTAssertTrue(replan.stdout.contains("No changes;"), replan.stdout)

        let secondApply = try runbook("apply")
        XCTAssertEqual(secondApply.status, 0, secondApply.all)
        XCTAssertTrue(secondApply.stdout.contains("no changes"), secondApply.stdout)
        let afterSecond = try TreeManifest(root)
        XCTAssertEqual(afterSecond, applied)
        XCTAssertEqual(afterSecond.modificationTimes, applied.modificationTimes, "a converged apply must not touch any file")

        let rollback = try runbook("rollback")
        XCTAssertEqual(rollback.status, 0, rollback.all)
        let restored = try TreeManifest(root)
        XCTAssertEqual(restored, fresh, "rollback must restore the fresh tree:\n\(restored.difference(from: fresh))")
    }

    func testRollbackIsItselfUndoable() throws {
        XCTAssertEqual(try runbook("apply").status, 0)
        let applied = try TreeManifest(root)
        XCTAssertEqual(try runbook("rollback").status, 0)
        let undo = try runbook("rollback")
        XCTAssertEqual(undo.status, 0, undo.all)
        XCTAssertEqual(try TreeManifest(root), applied, "rolling back the rollback returns to the applied state")
    }

    func testDefaultStateDirectoryLivesUnderRootAndIsPrivate() throws {
        let result = try RunbookBinary.run(["apply", "--runbook", runbook, "--root", root.path])
        XCTAssertEqual(result.status, 0, result.all)
        let stateDirectory = root.appendingPathComponent("var/lib/runbook").path
        let attributes = try FileManager.default.attributesOfItem(atPath: stateDirectory)
        XCTAssertEqual((attributes[.posixPermissions] as? Int), 0o700)
        let secrets = try FileManager.default.attributesOfItem(atPath: stateDirectory + "/secrets")
        XCTAssertEqual((secrets[.posixPermissions] as? Int), 0o600)
        for blob in try FileManager.default.contentsOfDirectory(atPath: stateDirectory + "/blobs") {
            let mode = try FileManager.default.attributesOfItem(atPath: stateDirectory + "/blobs/" + blob)[.posixPermissions] as? Int
            XCTAssertEqual(mode, 0o600, "blob \(blob)")
        }
    }

    func testGeneratedSecretIsKeptAndReused() throws {
        XCTAssertEqual(try runbook("apply").status, 0)
        let key = try String(contentsOf: root.appendingPathComponent("etc/demo/key.conf"), encoding: .utf8)
        let secret = String(key.dropFirst("key = ".count).dropLast())
        XCTAssertEqual(secret.count, 64, "32 random bytes as hex")
        XCTAssertTrue(secret.allSatisfy(\.isHexDigit))
        XCTAssertEqual(try runbook("plan").status, 0, "the stored secret is reused, so nothing changes")
    }

    func testConditionalStepFollowsVariables() throws {
        let plan = try runbook("plan", ["--var", "mode=fancy"])
        XCTAssertEqual(plan.status, 2)
        XCTAssertTrue(plan.stdout.contains("+<h1>Hello from demo!</h1>"), plan.stdout)
        XCTAssertTrue(plan.stdout.contains("when=\"mode=plain\" is false"), plan.stdout)
    }

    func testSnapshotsListAndShow() throws {
        XCTAssertEqual(try runbook("apply").status, 0)
        let list = try runbook("snapshots")
        XCTAssertEqual(list.status, 0, list.all)
        XCTAssertTrue(list.stdout.contains("apply"), list.stdout)
        XCTAssertTrue(list.stdout.contains("succeeded"), list.stdout)
        let show = try runbook("snapshots", ["show", "1"])
        XCTAssertEqual(show.status, 0, show.all)
        XCTAssertTrue(show.stdout.contains("/etc/demo/key.conf"), show.stdout)
        XCTAssertTrue(show.stdout.contains("before: absent"), show.stdout)
        XCTAssertTrue(show.stdout.contains("(content withheld: it may hold a secret)"), show.stdout)
    }

    func testDriftIsShownAndRollbackRefusesWithoutForce() throws {
        XCTAssertEqual(try runbook("apply").status, 0)
        let config = root.appendingPathComponent("etc/demo/app.conf")
        try "[server]\nname = demo\nport = 9999\n".write(to: config, atomically: false, encoding: .utf8)

        let plan = try runbook("plan")
        XCTAssertEqual(plan.status, 2, "a hand edit is a change to converge")
        XCTAssertTrue(plan.stdout.contains("-port = 9999"), plan.stdout)

        let refused = try runbook("rollback")
        XCTAssertEqual(refused.status, 1, refused.all)
        XCTAssertTrue(refused.stderr.contains("drift: /etc/demo/app.conf"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("+port = 9999"), refused.stderr)
        XCTAssertEqual(try String(contentsOf: config, encoding: .utf8), "[server]\nname = demo\nport = 9999\n",
                       "a refused rollback changes nothing")

        let forced = try runbook("rollback", ["--force"])
        XCTAssertEqual(forced.status, 0, forced.all)
        XCTAssertFalse(FileManager.default.fileExists(atPath: config.path))
        XCTAssertEqual(try runbook("rollback").status, 0, "undo the forced rollback")
        XCTAssertEqual(try String(contentsOf: config, encoding: .utf8), "[server]\nname = demo\nport = 9999\n",
                       "the hand edit was kept in the rollback's snapshot")
    }

    func testSecondApplyIsRefusedWhileTheLockIsHeld() throws {
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        let lockPath = state.appendingPathComponent("lock").path
        try "pid=424242\nstarted=2026-11-25T10:00:00Z\ncommand=runbook apply\n".write(toFile: lockPath, atomically: false, encoding: .utf8)
        // This test process holds the lock, as a running apply would.
        let descriptor = open(lockPath, O_RDWR)
        XCTAssertEqual(flock(descriptor, LOCK_EX | LOCK_NB), 0)
        defer { close(descriptor) }
        let result = try runbook("apply")
        XCTAssertEqual(result.status, 75, result.all)
        XCTAssertTrue(result.stderr.contains("pid 424242, started 2026-11-25T10:00:00Z"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("etc/demo/app.conf").path))
    }

    func testStaleLockIsReportedNotSilentlyTaken() throws {
        try FileManager.default.createDirectory(at: state, withIntermediateDirectories: true)
        try "pid=999999\nstarted=2026-11-25T10:00:00Z\ncommand=runbook apply\n"
            .write(toFile: state.appendingPathComponent("lock").path, atomically: false, encoding: .utf8)
        let result = try runbook("apply")
        XCTAssertEqual(result.status, 0, result.all)
        XCTAssertTrue(result.stderr.contains("the lock was left by pid 999999"), result.stderr)
    }

    func testKilledApplyIsReportedAndRolledBack() throws {
        let fresh = try TreeManifest(root)
        let killed = try runbook("apply", environment: ["RUNBOOK_FAULT_AT": "5"])
        XCTAssertEqual(killed.status, 128 + 9, killed.all)
        let plan = try runbook("plan")
        XCTAssertTrue(plan.stdout.contains("apply snapshot 1") && plan.stdout.contains("did not finish"), plan.stdout)
        let rollback = try runbook("rollback", ["1"])
        XCTAssertEqual(rollback.status, 0, rollback.all)
        let restored = try TreeManifest(root)
        XCTAssertEqual(restored, fresh, restored.difference(from: fresh))
    }

    func testInjectedFailureRestoresEverything() throws {
        let fresh = try TreeManifest(root)
        let failed = try runbook("apply", environment: ["RUNBOOK_FAULT_AT": "7", "RUNBOOK_FAULT_ACTION": "fail"])
        XCTAssertEqual(failed.status, 1, failed.all)
        XCTAssertTrue(failed.stderr.contains("injected fault"), failed.stderr)
        XCTAssertTrue(failed.stderr.contains("Restored"), failed.stderr)
        let restored = try TreeManifest(root)
        XCTAssertEqual(restored, fresh, restored.difference(from: fresh))
    }

    func testCheckPassesOnTheFixture() throws {
        let result = try runbook("check")
        XCTAssertEqual(result.status, 0, result.all)
        XCTAssertTrue(result.stdout.contains("no problems found"), result.stdout)
    }

    func testJSONPlanCarriesTheSamePlan() throws {
        let result = try runbook("plan", ["--json"])
        XCTAssertEqual(result.status, 2, result.all)
        let document = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any]
        let chapters = document?["chapters"] as? [[String: Any]]
        XCTAssertEqual(chapters?.count, 3)
        let steps = chapters?.flatMap { $0["steps"] as? [[String: Any]] ?? [] } ?? []
        XCTAssertTrue(steps.contains { $0["id"] as? String == "01-configure/1" && $0["outcome"] as? String == "change" })
    }
}
