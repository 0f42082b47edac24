import Foundation
import XCTest

/// An apply killed (SIGKILL) or failing at every step boundary and inside every atomic write
/// (after the temporary file is written, before and after the rename) is recoverable: either
/// `runbook rollback` gives back the fresh tree byte for byte, or the next `runbook apply`
/// converges to the same tree as an uninterrupted apply. No point leaves a half-written file at
/// a managed path. Uses the debug build's fault switch (RUNBOOK_FAULT_AT / RUNBOOK_FAULT_TRACE).
final class FaultInjectionTests: XCTestCase {
    struct Subject: Sendable {
        var runbook: String
        var seed: @Sendable (URL) throws -> Void
    }

    static let fixture = Subject(runbook: RunbookBinary.fixtures.appendingPathComponent("runbooks/basic").path) { root in
        try write("listen 80 default;\n", to: root.appendingPathComponent("etc/demo/enabled/default.conf"))
        try write("old\n", to: root.appendingPathComponent("etc/demo/legacy/a.txt"), mode: 0o600)
        try write("127.0.0.1 localhost\n", to: root.appendingPathComponent("etc/hosts"))
    }

    static let shipped = Subject(runbook: RunbookBinary.packageRoot.appendingPathComponent("Runbook").path) { root in
        try write("server { listen 80 default_server; }\n", to: root.appendingPathComponent("etc/nginx/sites-available/default"))
        try FileManager.default.createDirectory(at: root.appendingPathComponent("etc/nginx/sites-enabled"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("etc/nginx/sites-enabled/default").path,
                                                   withDestinationPath: "/etc/nginx/sites-available/default")
    }

    func testEveryInjectionPointOfTheFixtureIsRecoverable() throws {
        try sweep(Self.fixture)
    }

    func testEveryInjectionPointOfTheShippedRunbookIsRecoverable() throws {
        try sweep(Self.shipped)
    }

    /// A fresh sandbox: the seeded root and an empty state directory beside it.
    func sandbox(_ subject: Subject) throws -> (root: URL, arguments: [String]) {
        try Self.sandbox(subject, for: self)
    }

    static func sandbox(_ subject: Subject, for test: XCTestCase) throws -> (root: URL, arguments: [String]) {
        let base = try makeTemporaryDirectory(test, "faults")
        let root = base.appendingPathComponent("root")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        try subject.seed(root)
        return (root, ["--runbook", subject.runbook, "--root", root.path, "--state-dir", base.appendingPathComponent("state").path,
                       "--var", "secret=\(String(repeating: "ab", count: 32))"])
    }

    func sweep(_ subject: Subject) throws {
        let reference = try sandbox(subject)
        let fresh = try TreeManifest(reference.root)
        let trace = reference.root.deletingLastPathComponent().appendingPathComponent("trace")
        FileManager.default.createFile(atPath: trace.path, contents: nil)
        XCTAssertEqual(try RunbookBinary.run(["apply"] + reference.arguments, environment: ["RUNBOOK_FAULT_TRACE": trace.path]).status, 0)
        let converged = try TreeManifest(reference.root)
        let points = try String(contentsOf: trace, encoding: .utf8).split(separator: "\n")
        XCTAssertGreaterThan(points.count, 10, "the apply should pass many injection points")

        var recovered = 0
        for (index, point) in points.enumerated() {
            let number = String(index + 1)
            for action in ["kill", "fail"] {
                for recovery in ["rollback", "apply"] {
                    let run = try sandbox(subject)
                    let interrupted = try RunbookBinary.run(["apply"] + run.arguments,
                                                            environment: ["RUNBOOK_FAULT_AT": number, "RUNBOOK_FAULT_ACTION": action])
                    XCTAssertNotEqual(interrupted.status, 0, "\(point) (\(action)) should stop the apply")
                    assertEachPath(of: try TreeManifest(run.root), isIn: [fresh, converged], "\(point) (\(action))")
                    let recovering = try RunbookBinary.run([recovery] + run.arguments)
                    XCTAssertEqual(recovering.status, 0, "\(point) (\(action)), \(recovery): \(recovering.all)")
                    let after = try TreeManifest(run.root)
                    // A failed apply already restored itself; `rollback` then has nothing to undo.
                    let expected = recovery == "apply" ? converged : fresh
                    if after == expected {
                        recovered += 1
                    } else {
                        XCTFail("\(point) (\(action)), then \(recovery):\n\(after.difference(from: expected))")
                    }
                }
            }
        }
        let attempts = points.count * 4
        print("fault injection: \(points.count) points × kill/fail × rollback/apply = \(attempts) runs, \(recovered) recovered")
        XCTAssertEqual(recovered, attempts)
    }

    /// A rollback killed or failing at every one of its points (each restored path, each atomic
    /// write, each manifest) is finished by the command runbook then names: `plan` reports the
    /// unfinished rollback, `apply` refuses until it is finished, the next `rollback` finishes it
    /// and gives back the fresh tree, and undoing that rollback gives back the converged tree.
    func testEveryInjectionPointOfARollbackIsRecoverable() throws {
        try sweepRollback(Self.fixture)
    }

    /// Every 4th point in CI, where the whole sweep would take half a minute; `RUNBOOK_SHIPPED_STRIDE=1` runs every one.
    func testEveryInjectionPointOfARollbackOfTheShippedRunbookIsRecoverable() throws {
        try sweepRollback(Self.shipped, stride: Int(ProcessInfo.processInfo.environment["RUNBOOK_SHIPPED_STRIDE"] ?? "") ?? 4)
    }

    func sweepRollback(_ subject: Subject, stride: Int = 1) throws {
        let reference = try sandbox(subject)
        let fresh = try TreeManifest(reference.root)
        XCTAssertEqual(try RunbookBinary.run(["apply"] + reference.arguments).status, 0)
        let converged = try TreeManifest(reference.root)
        let points = try trace(["rollback"] + reference.arguments)
        XCTAssertGreaterThan(points.filter { $0.hasPrefix("restore ") }.count, 5, "a rollback should pass a point per restored path")

        var recovered = 0, refusedApplies = 0
        let swept = points.enumerated().filter { $0.offset % stride == 0 }
        for (index, point) in swept {
            for action in ["kill", "fail"] {
                let run = try sandbox(subject)
                XCTAssertEqual(try RunbookBinary.run(["apply"] + run.arguments).status, 0)
                let stopped = try RunbookBinary.run(["rollback"] + run.arguments,
                                                    environment: ["RUNBOOK_FAULT_AT": String(index + 1), "RUNBOOK_FAULT_ACTION": action])
                let midway = try TreeManifest(run.root)
                assertEachPath(of: midway, isIn: [fresh, converged], "\(point) (\(action))")
                if try RunbookBinary.run(["plan"] + run.arguments).stdout.contains("rollback snapshot 2 ") {
                    let apply = try RunbookBinary.run(["apply"] + run.arguments)
                    XCTAssertEqual(apply.status, 1, "\(point) (\(action)): apply over an unfinished rollback: \(apply.all)")
                    XCTAssertTrue(apply.stderr.contains("did not finish") && apply.stderr.contains("`runbook rollback`"), apply.stderr)
                    XCTAssertEqual(try TreeManifest(run.root), midway, "\(point) (\(action)): the refused apply changed the tree")
                    refusedApplies += 1
                }
                let followed = try FollowUp(arguments: run.arguments).run(after: stopped.all, status: stopped.status)
                XCTAssertFalse(followed.commands.contains { $0.contains("--force") }, "\(point) (\(action)): false drift: \(followed)")
                let after = try TreeManifest(run.root)
                guard after == fresh else {
                    XCTFail("\(point) (\(action)), then \(followed.commands):\n\(after.difference(from: fresh))\n\(followed.last?.all ?? "")")
                    continue
                }
                let undone = try RunbookBinary.run(["rollback"] + run.arguments)
                XCTAssertEqual(undone.status, 0, undone.all)
                let again = try TreeManifest(run.root)
                if again == converged {
                    recovered += 1
                } else {
                    XCTFail("\(point) (\(action)): undoing the finished rollback:\n\(again.difference(from: converged))")
                }
            }
        }
        print("fault injection, rollback of \((subject.runbook as NSString).lastPathComponent): \(swept.count) of \(points.count) points × kill/fail = \(swept.count * 2) runs, "
              + "\(recovered) finished by the command runbook named and undone again, \(refusedApplies) applies refused meanwhile")
        XCTAssertEqual(recovered, swept.count * 2)
    }

    /// An apply whose last step fails, killed or failing again at every point of the restore it
    /// then makes, ends at the fresh tree after the commands runbook names (`runbook rollback N`
    /// in its own output, or in plan's note), and never reports its own restore as drift. With
    /// `--atomic`, so that the restore covers every chapter.
    func testEveryInjectionPointOfAFailedApplysRestoreIsRecoverable() throws {
        try sweepRestore(failingAt: { $0.last }, options: ["--atomic"], what: "an apply's own restore (--atomic)")
    }

    /// The same for the restore of the failing chapter alone: the second chapter's last step fails
    /// after the chapter changed a link and removed two paths, and the first chapter stays.
    func testEveryInjectionPointOfAFailedChaptersRestoreIsRecoverable() throws {
        try sweepRestore(failingAt: { $0.last { $0.element == "step:02-links/3" } }, options: [],
                         what: "a failed chapter's own restore")
    }

    func sweepRestore(failingAt pick: ([(offset: Int, element: String)]) -> (offset: Int, element: String)?, options: [String],
                      what: String) throws {
        let reference = try sandbox(Self.fixture)
        let fresh = try TreeManifest(reference.root)
        let steps = try trace(["apply"] + options + reference.arguments).enumerated().filter { $0.element.hasPrefix("step:") }
        let failing = String(try XCTUnwrap(pick(Array(steps))).offset + 1)
        let reference2 = try sandbox(Self.fixture)
        let points = try trace(["apply"] + options + reference2.arguments, environment: ["RUNBOOK_FAULT_AT": failing, "RUNBOOK_FAULT_ACTION": "fail"])
        // What the failed apply leaves when nothing else stops it: the fresh tree with --atomic, else
        // the chapters before the failing one converged. A fault that comes once that is done (in
        // writing the manifest) may leave exactly that.
        let failed = try TreeManifest(reference2.root)
        let restorePoints = Array(points.enumerated().dropFirst(Int(failing)!))
        XCTAssertGreaterThanOrEqual(restorePoints.filter { $0.element.hasPrefix("restore ") }.count, 2)

        var recovered = 0
        var atFailedApplysTree = 0
        for (index, point) in restorePoints {
            for action in ["kill", "fail"] {
                let run = try sandbox(Self.fixture)
                let stopped = try RunbookBinary.run(["apply"] + options + run.arguments,
                                                    environment: ["RUNBOOK_FAULT_AT": "\(failing),\(index + 1)", "RUNBOOK_FAULT_ACTION": "fail,\(action)"])
                XCTAssertNotEqual(stopped.status, 0, "\(point) (\(action))")
                let followed = try FollowUp(arguments: run.arguments).run(after: stopped.all, status: stopped.status)
                XCTAssertFalse(followed.commands.contains { $0.contains("--force") }, "\(point) (\(action)): false drift: \(followed)")
                let after = try TreeManifest(run.root)
                if after == fresh {
                    recovered += 1
                } else if after == failed, followed.commands.isEmpty {
                    recovered += 1
                    atFailedApplysTree += 1
                } else {
                    XCTFail("\(point) (\(action)), then \(followed.commands):\n\(after.difference(from: fresh))\n\(followed.last?.all ?? "")")
                }
            }
        }
        print("fault injection, \(what): \(restorePoints.count) points × kill/fail = \(restorePoints.count * 2) runs, "
              + "\(recovered - atFailedApplysTree) at the fresh tree after the commands runbook named, "
              + "\(atFailedApplysTree) stopped after the restore was done, at the failed apply's own tree")
        XCTAssertEqual(recovered, restorePoints.count * 2)
    }

    /// The points a command passes, in order.
    func trace(_ arguments: [String], environment: [String: String] = [:]) throws -> [String] {
        try Self.trace(arguments, environment: environment, for: self)
    }

    static func trace(_ arguments: [String], environment: [String: String] = [:], for test: XCTestCase) throws -> [String] {
        let file = try makeTemporaryDirectory(test, "trace").appendingPathComponent("trace")
        FileManager.default.createFile(atPath: file.path, contents: nil)
        try RunbookBinary.run(arguments, environment: environment.merging(["RUNBOOK_FAULT_TRACE": file.path]) { $1 })
        return try String(contentsOf: file, encoding: .utf8).split(separator: "\n").map { String($0.drop { $0 != " " }.dropFirst()) }
    }

    /// Every path of a tree stopped midway is as one of `trees` has it: nothing half-written.
    func assertEachPath(of tree: TreeManifest, isIn trees: [TreeManifest], _ label: String) {
        for (path, entry) in tree.entries where !path.contains(".runbook-tmp") {
            XCTAssertTrue(trees.contains { $0.entries[path] == entry }, "\(label): \(path) is neither old nor new: \(entry)")
        }
    }
}
