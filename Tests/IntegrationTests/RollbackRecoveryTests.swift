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

/// A rollback checks, before it changes anything, that it can finish: every blob it needs is
/// there and holds what its name says; and while a rollback is unfinished, nothing but its
/// finishing is accepted.
final class RollbackRecoveryTests: XCTestCase {
    /// A blob gone, damaged or replaced by a link is refused by name (snapshot, path, blob file)
    /// with the tree and the snapshots untouched, also when it belongs to the older of two
    /// snapshots rolled back together (the newer one would be restored first); with the blob put
    /// back, or the file put back by hand as the hint says, the same rollback restores everything.
    func testAMissingOrDamagedBlobIsRefusedBeforeAnythingChanges() throws {
        for damage in ["missing", "damaged", "a link"] {
            for twoSnapshots in [false, true] {
                let label = "\(damage)\(twoSnapshots ? ", older of two" : "")"
                let run = try FaultInjectionTests.sandbox(FaultInjectionTests.fixture, for: self)
                let fresh = try TreeManifest(run.root)
                XCTAssertEqual(try RunbookBinary.run(["apply"] + run.arguments).status, 0)
                if twoSnapshots { XCTAssertEqual(try RunbookBinary.run(["apply", "--var", "port=9090"] + run.arguments).status, 0) }
                let converged = try TreeManifest(run.root)
                let state = run.root.deletingLastPathComponent().appendingPathComponent("state")
                let blob = state.appendingPathComponent("blobs/" + SHA256.hex(Data("old\n".utf8)))
                let kept = try Data(contentsOf: blob)
                try FileManager.default.removeItem(at: blob)
                switch damage {
                case "damaged": try write("not old\n", to: blob, mode: 0o600)
                case "a link": try FileManager.default.createSymbolicLink(at: blob, withDestinationURL: run.root.appendingPathComponent("etc/demo/app.conf"))
                default: break
                }
                let snapshots = try FileManager.default.contentsOfDirectory(atPath: state.appendingPathComponent("snapshots").path)

                let refused = try RunbookBinary.run(["rollback"] + (twoSnapshots ? ["1"] : []) + run.arguments)
                XCTAssertEqual(refused.status, 1, refused.all)
                for word in ["snapshot 1 cannot be restored", "/etc/demo/legacy/a.txt", blob.path, "nothing was changed"] {
                    XCTAssertTrue(refused.stderr.contains(word), "\(label): \(word) not in \(refused.stderr)")
                }
                XCTAssertEqual(try TreeManifest(run.root), converged, "\(label): the refused rollback changed the tree")
                XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: state.appendingPathComponent("snapshots").path), snapshots)

                try? FileManager.default.removeItem(at: blob)
                if damage == "missing", !twoSnapshots {
                    // The hint's other way: the file put back by hand as it was.
                    try write("old\n", to: run.root.appendingPathComponent("etc/demo/legacy/a.txt"), mode: 0o600)
                } else {
                    try kept.write(to: blob)
                    XCTAssertEqual(chmod(blob.path, 0o600), 0, "runbook makes blobs 0600, and refuses any other mode")
                }
                let rollback = try RunbookBinary.run(["rollback"] + (twoSnapshots ? ["1"] : []) + run.arguments)
                XCTAssertEqual(rollback.status, 0, rollback.all)
                XCTAssertEqual(try TreeManifest(run.root), fresh, label)
            }
        }
    }

    /// Drift over a file whose recorded content is gone is still reported as drift (without a
    /// diff), not as an unreadable blob, and `--force` rolls back, needing only the content from before.
    func testDriftIsReportedWhenTheRecordedContentIsGone() throws {
        let run = try FaultInjectionTests.sandbox(FaultInjectionTests.fixture, for: self)
        let fresh = try TreeManifest(run.root)
        XCTAssertEqual(try RunbookBinary.run(["apply"] + run.arguments).status, 0)
        let app = run.root.appendingPathComponent("etc/demo/app.conf")
        let state = run.root.deletingLastPathComponent().appendingPathComponent("state")
        try FileManager.default.removeItem(at: state.appendingPathComponent("blobs/" + SHA256.hex(try Data(contentsOf: app))))
        try write("edited by hand\n", to: app)
        let refused = try RunbookBinary.run(["rollback"] + run.arguments)
        XCTAssertEqual(refused.status, 1, refused.all)
        XCTAssertTrue(refused.stderr.contains("drift: /etc/demo/app.conf was changed") && refused.stderr.contains("`runbook rollback --force`"),
                      refused.stderr)
        let forced = try RunbookBinary.run(["rollback", "--force"] + run.arguments)
        XCTAssertEqual(forced.status, 0, forced.all)
        XCTAssertEqual(try TreeManifest(run.root), fresh)
    }

    /// While rollback 2 is unfinished, plan (text and JSON) says so, `rollback 1` (the retry form,
    /// naming the snapshot it rolls back to) finishes it, and `snapshots` says which rollback did.
    func testTheRetryFormFinishesAnUnfinishedRollback() throws {
        let run = try FaultInjectionTests.sandbox(FaultInjectionTests.fixture, for: self)
        let fresh = try TreeManifest(run.root)
        XCTAssertEqual(try RunbookBinary.run(["apply"] + run.arguments).status, 0)
        let stopped = try RunbookBinary.run(["rollback"] + run.arguments, environment: ["RUNBOOK_FAULT_AT": "3", "RUNBOOK_FAULT_ACTION": "fail"])
        XCTAssertEqual(stopped.status, 1, stopped.all)
        XCTAssertTrue(stopped.stderr.contains("rollback snapshot 2 stopped midway") && stopped.stderr.contains("`runbook rollback` finishes it"),
                      stopped.stderr)
        XCTAssertNotEqual(try TreeManifest(run.root), fresh)
        for format in [[], ["--json"]] {
            let plan = try RunbookBinary.run(["plan"] + format + run.arguments)
            XCTAssertTrue(plan.stdout.contains("rollback snapshot 2") && plan.stdout.contains("`runbook rollback` finishes it"), plan.stdout)
            XCTAssertFalse(plan.stdout.contains("apply snapshot 2"), plan.stdout)
        }
        let retry = try RunbookBinary.run(["rollback", "1"] + run.arguments)
        XCTAssertEqual(retry.status, 0, retry.all)
        XCTAssertTrue(retry.stdout.contains("Finishing rollback snapshot 2"), retry.stdout)
        XCTAssertEqual(try TreeManifest(run.root), fresh)
        let listing = try RunbookBinary.run(["snapshots"] + run.arguments.prefix(6).dropFirst(2))
        XCTAssertTrue(listing.stdout.contains("interrupted, finished by 3"), listing.all)
    }

    /// While a rollback is unfinished, a rollback to another snapshot is refused, naming
    /// `runbook rollback`, and changes nothing; `runbook rollback` then finishes the first.
    func testAnotherRollbackIsRefusedWhileOneIsUnfinished() throws {
        let run = try FaultInjectionTests.sandbox(FaultInjectionTests.fixture, for: self)
        XCTAssertEqual(try RunbookBinary.run(["apply"] + run.arguments).status, 0)
        let first = try TreeManifest(run.root)
        XCTAssertEqual(try RunbookBinary.run(["apply", "--var", "port=9090"] + run.arguments).status, 0)
        let stopped = try RunbookBinary.run(["rollback"] + run.arguments, environment: ["RUNBOOK_FAULT_AT": "3"])
        XCTAssertEqual(stopped.status, 128 + 9, stopped.all)
        let midway = try TreeManifest(run.root)
        let refused = try RunbookBinary.run(["rollback", "1"] + run.arguments)
        XCTAssertEqual(refused.status, 1, refused.all)
        XCTAssertTrue(refused.stderr.contains("rollback 1: error: rollback snapshot 3 did not finish")
                      && refused.stderr.contains("run `runbook rollback` to finish it first"), refused.stderr)
        XCTAssertEqual(try TreeManifest(run.root), midway)
        let finished = try RunbookBinary.run(["rollback"] + run.arguments)
        XCTAssertEqual(finished.status, 0, finished.all)
        XCTAssertEqual(try TreeManifest(run.root), first)
    }

    /// `apply --json` whose restore failed too carries the retry command the text output prints,
    /// and that command restores the fresh tree.
    func testAJSONApplyWhoseRestoreFailedCarriesTheRetryCommand() throws {
        let reference = try FaultInjectionTests.sandbox(FaultInjectionTests.fixture, for: self)
        let points = try FaultInjectionTests.trace(["apply", "--atomic"] + reference.arguments, for: self)
        let failing = try XCTUnwrap(points.lastIndex { $0.hasPrefix("step:") }) + 1
        let run = try FaultInjectionTests.sandbox(FaultInjectionTests.fixture, for: self)
        let fresh = try TreeManifest(run.root)
        // The step fails, and so does the restore's first path (of every chapter: --atomic).
        let failed = try RunbookBinary.run(["apply", "--atomic", "--json"] + run.arguments,
                                           environment: ["RUNBOOK_FAULT_AT": "\(failing),\(failing + 1)", "RUNBOOK_FAULT_ACTION": "fail"])
        XCTAssertEqual(failed.status, 1, failed.all)
        let summary = try JSONLines.last(failed.stdout)
        XCTAssertNotNil(summary["restoreFailure"] as? String, failed.stdout)
        let retry = try XCTUnwrap(summary["retry"] as? String, failed.stdout)
        XCTAssertEqual(retry, "runbook rollback 1")
        let retried = try RunbookBinary.run(FollowUp(arguments: run.arguments).words(of: retry) + run.arguments)
        XCTAssertEqual(retried.status, 0, retried.all)
        XCTAssertEqual(try TreeManifest(run.root), fresh)
    }
}
