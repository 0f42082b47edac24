import Foundation
import RunbookKit
import XCTest

/// While a rollback is unfinished, nothing but its finishing is accepted.
final class RollbackRecoveryTests: XCTestCase {
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
}
