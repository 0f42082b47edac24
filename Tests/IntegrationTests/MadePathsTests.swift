import Foundation
import XCTest

/// `makes=` on a run step: what the script makes is recorded before it runs, so a rollback
/// removes what was missing and puts back, exactly, a tree that was there (what appeared in it
/// included). On the live host, every path in a temporary folder, so the script really runs.
final class MadePathsTests: XCTestCase {
    var sandbox: LiveSandbox!
    var base: URL { sandbox.base }

    override func setUpWithError() throws {
        sandbox = try LiveSandbox(self)
        try FileManager.default.createDirectory(at: base.appendingPathComponent("etc/lineage"), withIntermediateDirectories: true)
        try Data("old\n".utf8).write(to: base.appendingPathComponent("etc/lineage/cert1.pem"))
        try Data("""
        # Make

        ```text vars
        base  about="A temporary folder that stands in for /"
        ```

        ```sh run unless="test -f {{base}}/etc/lineage/cert2.pem" makes={{base}}/etc/made/deep,{{base}}/etc/lineage
        mkdir -p {{base}}/etc/made/deep/er
        echo private > {{base}}/etc/made/deep/er/key.pem
        echo renewed > {{base}}/etc/lineage/cert1.pem
        echo new > {{base}}/etc/lineage/cert2.pem
        echo outside > {{base}}/etc/unrecorded
        ```

        """.utf8).write(to: sandbox.runbook.appendingPathComponent("01-make.md"))
    }

    func runbook(_ command: String, _ extra: [String] = []) throws -> Subprocess.Result { try sandbox.run(command, extra) }

    func testRollbackRemovesWhatWasMissingAndPutsBackTheTreeThatWasThere() throws {
        let fresh = try TreeManifest(base)
        let plan = try runbook("plan")
        XCTAssertEqual(plan.status, 2, plan.all)
        XCTAssertTrue(plan.stdout.contains("makes \(base.path)/etc/made/deep, \(base.path)/etc/lineage, which a rollback removes or puts back"),
                      plan.stdout)
        let apply = try runbook("apply")
        XCTAssertEqual(apply.status, 0, apply.all)
        XCTAssertTrue(FileManager.default.fileExists(atPath: base.appendingPathComponent("etc/made/deep/er/key.pem").path))

        let show = try sandbox.snapshots(["show", "1"])
        XCTAssertTrue(show.stdout.contains("\(base.path)/etc/made  [01-make/1]"), "recorded from the outermost missing directory:\n\(show.stdout)")
        XCTAssertTrue(show.stdout.contains("\(base.path)/etc/lineage/cert2.pem"), "what appeared in an existing tree is recorded:\n\(show.stdout)")

        // Drift in a made file is reported without its content: it may be a private key.
        try Data("edited by hand\n".utf8).write(to: base.appendingPathComponent("etc/lineage/cert1.pem"))
        let refused = try runbook("rollback")
        XCTAssertEqual(refused.status, 1, refused.all)
        XCTAssertTrue(refused.all.contains("cert1.pem"), refused.all)
        XCTAssertFalse(refused.all.contains("edited by hand") || refused.all.contains("renewed"), refused.all)

        let rollback = try runbook("rollback", ["--force"])
        XCTAssertEqual(rollback.status, 0, rollback.all)
        let after = try TreeManifest(base, excluding: ["/etc/unrecorded"])
        XCTAssertEqual(after, fresh, "the made tree is removed and the existing one is back as it was:\n\(after.difference(from: fresh))")
        XCTAssertTrue(FileManager.default.fileExists(atPath: base.appendingPathComponent("etc/unrecorded").path),
                      "what the script made outside its makes= paths is beyond a rollback")
    }

    /// A script that deletes the tree it makes, subdirectories and all: the rollback puts each
    /// directory back before the files inside it.
    func testATreeTheScriptDeletedComesBackWhole() throws {
        try write("x\n", to: base.appendingPathComponent("etc/tree/sub/deeper/f"))
        try write("y\n", to: base.appendingPathComponent("etc/tree/g"), mode: 0o600)
        let fresh = try TreeManifest(base)
        try write("""
        # Delete

        ```text vars
        base  about="A temporary folder that stands in for /"
        ```

        ```sh run always makes={{base}}/etc/tree
        rm -rf {{base}}/etc/tree
        ```

        """, to: sandbox.runbook.appendingPathComponent("01-make.md"))
        XCTAssertEqual(try runbook("apply").status, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: base.appendingPathComponent("etc/tree").path))
        let rollback = try runbook("rollback")
        XCTAssertEqual(rollback.status, 0, rollback.all)
        XCTAssertEqual(try TreeManifest(base), fresh)
    }

    func testMakesTakesAbsolutePathsWithoutSecrets() throws {
        for (value, message) in [("relative/path", "makes= must be an absolute path"), ("/etc/a,,/etc/b", "without empty items"),
                                 ("/etc/../x", "must not contain '.' or '..'")] {
            try Data("""
            # Make

            ```sh run always makes=\(value)
            true
            ```

            """.utf8).write(to: sandbox.runbook.appendingPathComponent("01-make.md"))
            let check = try RunbookBinary.run(["check", "--runbook", sandbox.runbook.path])
            XCTAssertEqual(check.status, 1, check.all)
            XCTAssertTrue(check.all.contains("01-make.md:3:") && check.all.contains(message), "\(value):\n\(check.all)")
        }
    }
}
