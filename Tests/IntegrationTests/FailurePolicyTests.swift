import Foundation
import XCTest

/// A chapter is the unit of failure: a failing chapter is restored, the chapters before it stay
/// applied, and `runbook rollback` still returns to the state from before the whole apply.
/// `--atomic` restores every chapter. Runs on the live host with every path in a temporary folder,
/// so the checks that fail are real ones.
final class FailurePolicyTests: XCTestCase {
    var sandbox: LiveSandbox!

    override func setUpWithError() throws {
        sandbox = try LiveSandbox(self, runbook: RunbookBinary.fixtures.appendingPathComponent("runbooks/chapters"))
    }

    func runbook(_ command: String, _ extra: [String] = []) throws -> Subprocess.Result { try sandbox.run(command, extra) }

    var snapshots: String {
        get throws { try sandbox.snapshots().stdout }
    }

    var etc: URL { sandbox.base.appendingPathComponent("etc") }
    var handlerRuns: Int {
        ((try? String(contentsOf: sandbox.base.appendingPathComponent("handler.log"), encoding: .utf8)) ?? "").split(separator: "\n").count
    }

    func exists(_ name: String) -> Bool { FileManager.default.fileExists(atPath: etc.appendingPathComponent(name).path) }

    func group(of name: String) throws -> UInt32 {
        var status = stat()
        XCTAssertEqual(stat(etc.appendingPathComponent(name).path, &status), 0, name)
        return status.st_gid
    }

    func testAFailingLastChapterKeepsTheChaptersThatConvergedAndRollbackStillUndoesThemAll() throws {
        let fresh = try TreeManifest(etc)
        let failed = try runbook("apply", ["--var", "fail=verify"])
        XCTAssertEqual(failed.status, 1, failed.all)
        XCTAssertTrue(failed.stderr.contains("03-verify.md:7:1: error: 03-verify/2"), failed.stderr)
        XCTAssertTrue(failed.stderr.contains("Kept 2 chapters that converged and passed their checks: 01-harden, 02-site."), failed.stderr)
        XCTAssertTrue(failed.stderr.contains("Restored 1 path to its state before chapter 03-verify changed it:\n  \(etc.path)/verified"),
                      failed.stderr)
        XCTAssertTrue(failed.stderr.contains("`runbook rollback` restores the state from before this whole apply (snapshot 1)"), failed.stderr)
        XCTAssertTrue(exists("hardened.conf") && exists("site.conf") && exists("shared.conf"), "the first two chapters stay applied")
        XCTAssertFalse(exists("verified"), "the failing chapter's file is restored (it was absent)")
        XCTAssertEqual(handlerRuns, 4, "the handler ran in each chapter, then again for the restored files of the failing one")

        let listing = try snapshots
        XCTAssertTrue(listing.contains("  partial  "), listing)
        let plan = try runbook("plan", ["--var", "fail=verify"])
        XCTAssertEqual(plan.status, 2, plan.all)
        XCTAssertTrue(plan.stdout.contains("03-verify/1"), plan.stdout)
        XCTAssertFalse(plan.stdout.contains("+ 01-harden/1"), "the kept chapters have nothing to do:\n\(plan.stdout)")

        let rollback = try runbook("rollback")
        XCTAssertEqual(rollback.status, 0, rollback.all)
        XCTAssertFalse(rollback.all.contains("changed since"), "the restored chapter is no drift:\n\(rollback.all)")
        XCTAssertEqual(try TreeManifest(etc), fresh, "rollback returns to the state from before the whole apply")
    }

    /// The second chapter changes a file the first one wrote in the same apply: restoring the second
    /// gives back the first chapter's file, not the state from before the apply.
    func testRestoringAChapterGivesBackWhatTheChapterBeforeItLeft() throws {
        let fresh = try TreeManifest(etc)
        let failed = try runbook("apply", ["--var", "fail=site", "--var", "group=daemon"])
        XCTAssertEqual(failed.status, 1, failed.all)
        XCTAssertTrue(failed.stderr.contains("Kept 1 chapter that converged and passed its checks: 01-harden."), failed.stderr)
        XCTAssertTrue(exists("shared.conf"), "the first chapter made it; restoring the second must not remove it")
        XCTAssertEqual(try group(of: "shared.conf"), 0, "the second chapter's group change is undone")
        XCTAssertFalse(exists("site.conf"))
        XCTAssertEqual(try runbook("rollback").status, 0)
        XCTAssertEqual(try TreeManifest(etc), fresh)
    }

    func testAtomicRestoresEveryChapter() throws {
        let fresh = try TreeManifest(etc)
        let failed = try runbook("apply", ["--atomic", "--var", "fail=verify"])
        XCTAssertEqual(failed.status, 1, failed.all)
        XCTAssertTrue(failed.stderr.contains("Restored 4 paths to their state before this apply changed them:"), failed.stderr)
        XCTAssertFalse(failed.stderr.contains("Kept"), failed.stderr)
        XCTAssertEqual(try TreeManifest(etc), fresh, "--atomic restores the whole apply")
        XCTAssertTrue(try snapshots.contains("  failed  "))
        let rollback = try runbook("rollback")
        XCTAssertEqual(rollback.status, 0, rollback.all)
        XCTAssertTrue(rollback.all.contains("Nothing to roll back"), rollback.all)
    }

    func testAFailingFirstChapterRestoresItAndKeepsNothing() throws {
        let fresh = try TreeManifest(etc)
        let failed = try runbook("apply", ["--var", "fail=harden"])
        XCTAssertEqual(failed.status, 1, failed.all)
        XCTAssertFalse(failed.stderr.contains("Kept"), failed.stderr)
        XCTAssertEqual(try TreeManifest(etc), fresh)
        XCTAssertTrue(try snapshots.contains("  failed  "), "nothing stayed applied, so there is nothing to roll back")
    }

    func testTheJSONSummaryNamesTheKeptAndTheFailedChapters() throws {
        let failed = try runbook("apply", ["--json", "--var", "fail=verify"])
        XCTAssertEqual(failed.status, 1, failed.all)
        let summary = try JSONLines.last(failed.stdout)
        XCTAssertEqual(summary["keptChapters"] as? [String], ["01-harden", "02-site"])
        XCTAssertEqual(summary["failedChapter"] as? String, "03-verify")
        XCTAssertEqual(summary["restored"] as? [String], ["\(etc.path)/verified"])
        XCTAssertEqual(summary["ok"] as? Bool, false)
    }
}
