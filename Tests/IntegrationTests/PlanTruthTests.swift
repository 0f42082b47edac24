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

/// The plan tells the truth: what `plan` says of a path is what `apply` does to it, also when the
/// path runs through a link an earlier step of the same run makes, and a plan that could only fail
/// at apply is an error at plan time.
final class PlanTruthTests: XCTestCase {
    func sandbox(_ chapter: String) throws -> (root: URL, arguments: [String]) {
        try makeRootedSandbox(self, "plan-truth", chapter: chapter, file: "01-links.md", directory: "etc/real")
    }

    static let throughALink = """
        # Through a link made in the same run

        ```sh link=/etc/l to=/etc/real
        ln -s /etc/real /etc/l
        ```

        ```sh absent=/etc/l/old
        rm /etc/l/old
        ```

        ```ini file=/etc/l/app.conf
        new = 1
        ```

        """

    func testAPathUnderALinkMadeEarlierIsPlannedWhereApplyWritesIt() throws {
        let (root, arguments) = try sandbox(Self.throughALink)
        try write("existing = 1\n", to: root.appendingPathComponent("etc/real/app.conf"))
        try write("to be removed\n", to: root.appendingPathComponent("etc/real/old"))
        let plan = try RunbookBinary.run(["plan"] + arguments)
        XCTAssertEqual(plan.status, 2, plan.all)
        XCTAssertTrue(plan.stdout.contains("remove /etc/l/old"), "plan said the file is already absent:\n\(plan.stdout)")
        XCTAssertTrue(plan.stdout.contains("update /etc/l/app.conf"), "plan said it creates the file:\n\(plan.stdout)")
        XCTAssertTrue(plan.stdout.contains("-existing = 1"), plan.stdout)
        XCTAssertEqual(try RunbookBinary.run(["apply"] + arguments).status, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("etc/real/old").path))
        XCTAssertEqual(try String(contentsOf: root.appendingPathComponent("etc/real/app.conf"), encoding: .utf8), "new = 1\n")
        XCTAssertEqual(try RunbookBinary.run(["plan"] + arguments).status, 0, "converged")
    }

    func testAPlanThatCouldOnlyFailIsAnErrorAtPlanTime() throws {
        let chapter = """
            # Under something that is not a directory

            ```ini file=/etc/blocked/sub/app.conf
            a = 1
            ```

            """
        for (setUp, says) in [
            ({ (root: URL) in try write("a file\n", to: root.appendingPathComponent("etc/blocked")) }, "/etc/blocked is a file, not a directory"),
            ({ (root: URL) in
                try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("etc/blocked").path,
                                                           withDestinationPath: "/etc/nowhere")
            }, "/etc/blocked is a link to /etc/nowhere, which does not exist"),
        ] {
            let (root, arguments) = try sandbox(chapter)
            try setUp(root)
            let before = try TreeManifest(root)
            for command in ["plan", "apply"] {
                let result = try RunbookBinary.run([command] + arguments)
                XCTAssertEqual(result.status, 1, result.all)
                XCTAssertTrue(result.stderr.contains("01-links.md:3:1: error: cannot create /etc/blocked/sub/app.conf: \(says)"), result.stderr)
            }
            XCTAssertEqual(try TreeManifest(root), before)
        }
    }
}

extension PlanTruthTests {
    /// `run creates=DIR` may make a directory: a file planned inside it is no plan that must fail.
    func testAFileInsideWhatACommandWillMakeIsPlanned() throws {
        let base = try makeTemporaryDirectory(self, "plan-truth-live")
        try write("""
            # A directory a command makes

            ```text vars
            base  about="A temporary folder that stands in for /"
            ```

            ```sh run creates={{base}}/made
            mkdir {{base}}/made
            ```

            ```ini file={{base}}/made/app.conf
            a = 1
            ```

            """, to: base.appendingPathComponent("runbook/01-made.md"))
        let plan = try RunbookBinary.run(["plan", "--runbook", base.appendingPathComponent("runbook").path,
                                          "--state-dir", base.appendingPathComponent("state").path, "--var", "base=\(base.path)"])
        XCTAssertEqual(plan.status, 2, plan.all)
        XCTAssertTrue(plan.stdout.contains("create \(base.path)/made/app.conf"), plan.stdout)
    }
}
