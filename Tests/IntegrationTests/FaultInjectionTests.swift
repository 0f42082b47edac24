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
        let base = try makeTemporaryDirectory(self, "faults")
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
                    let midway = try TreeManifest(run.root)
                    for (path, entry) in midway.entries where !path.contains(".runbook-tmp") {
                        XCTAssertTrue(entry == fresh.entries[path] || entry == converged.entries[path],
                                      "\(point) (\(action)): \(path) is neither old nor new: \(entry)")
                    }
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
}
