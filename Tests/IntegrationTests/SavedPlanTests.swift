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

/// `plan --out FILE`, `apply FILE` and `show FILE`: what a reviewer approved is what runs, once,
/// or nothing runs and every stale item is named (exit 3).
final class SavedPlanTests: XCTestCase {
    let secret = String(repeating: "5e", count: 32)

    /// A copy of the basic fixture and a --root sandbox for it, seeded with one managed file of
    /// other content, a link to elsewhere, and a path the runbook removes.
    struct Sandbox {
        var base: URL
        var root: URL { base.appendingPathComponent("root") }
        var runbook: URL { base.appendingPathComponent("runbook") }
        var planFile: URL { base.appendingPathComponent("reviewed.plan") }
        var arguments: [String]

        func path(_ target: String) -> URL { root.appendingPathComponent(String(target.dropFirst())) }
    }

    func sandbox() throws -> Sandbox {
        let base = try makeTemporaryDirectory(self, "saved-plan")
        try FileManager.default.copyItem(at: RunbookBinary.fixtures.appendingPathComponent("runbooks/basic"),
                                         to: base.appendingPathComponent("runbook"))
        let sandbox = Sandbox(base: base, arguments: [
            "--runbook", base.appendingPathComponent("runbook").path, "--root", base.appendingPathComponent("root").path,
            "--state-dir", base.appendingPathComponent("state").path, "--var", "secret=\(secret)",
        ])
        try write("[server]\nname = old\n", to: sandbox.path("/etc/demo/app.conf"), mode: 0o644)
        try write("elsewhere\n", to: sandbox.path("/etc/elsewhere.conf"))
        try FileManager.default.createDirectory(at: sandbox.path("/etc/demo/enabled"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: sandbox.path("/etc/demo/enabled/site.conf").path,
                                                   withDestinationPath: "/etc/elsewhere.conf")
        try write("old\n", to: sandbox.path("/etc/demo/legacy/a.txt"))
        return sandbox
    }

    @discardableResult
    func savePlan(_ sandbox: Sandbox, _ extra: [String] = []) throws -> Subprocess.Result {
        let plan = try RunbookBinary.run(["plan", "--out", sandbox.planFile.path] + sandbox.arguments + extra)
        XCTAssertEqual(plan.status, 2, plan.all)
        return plan
    }

    func apply(_ sandbox: Sandbox, _ arguments: [String]? = nil) throws -> Subprocess.Result {
        try RunbookBinary.run(["apply", sandbox.planFile.path] + (arguments ?? sandbox.arguments))
    }

    func testASavedPlanIsAppliedExactlyOnceAndHoldsNoSecret() throws {
        let sandbox = try sandbox()
        let planned = try savePlan(sandbox)
        XCTAssertTrue(planned.stderr.contains("Saved the plan to \(sandbox.planFile.path)"), planned.stderr)
        let attributes = try FileManager.default.attributesOfItem(atPath: sandbox.planFile.path)
        XCTAssertEqual((attributes[.posixPermissions] as? NSNumber)?.intValue, 0o600)
        let text = try String(contentsOf: sandbox.planFile, encoding: .utf8)
        XCTAssertFalse(text.contains(secret), "the saved plan holds the secret")
        XCTAssertTrue(text.contains("********"), "the key file's diff is masked")
        let saved = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let id = try XCTUnwrap(saved["id"] as? String)
        XCTAssertEqual(saved["formatVersion"] as? String, "1.0")
        XCTAssertEqual((saved["chapters"] as? [String: String])?.keys.sorted(), ["01-configure.md", "02-links.md", "03-system.md", "README.md"])

        let before = try TreeManifest(sandbox.root)
        let applied = try apply(sandbox)
        XCTAssertEqual(applied.status, 0, applied.all)
        XCTAssertTrue(applied.stdout.contains("Carried out the saved plan \(id)"), applied.stdout)
        XCTAssertNotEqual(try TreeManifest(sandbox.root), before)
        XCTAssertEqual(try String(contentsOf: sandbox.path("/etc/demo/key.conf"), encoding: .utf8), "key = \(secret)\n")
        let snapshots = try RunbookBinary.run(["snapshots", "--json", "--state-dir", sandbox.base.appendingPathComponent("state").path])
        XCTAssertTrue(snapshots.stdout.contains("\"plan\" : \"\(id)\""), "the snapshot names the plan it carried out:\n\(snapshots.stdout)")

        let after = try TreeManifest(sandbox.root)
        let again = try apply(sandbox)
        XCTAssertEqual(again.status, 3, again.all)
        XCTAssertTrue(again.stderr.contains("stale: plan \(id) was applied already, by snapshot 1 (succeeded"), again.stderr)
        XCTAssertTrue(again.stderr.contains("A saved plan is applied at most once"), again.stderr)
        XCTAssertEqual(try TreeManifest(sandbox.root), after)
        XCTAssertEqual(try RunbookBinary.run(["rollback"] + sandbox.arguments).status, 0)
        XCTAssertEqual(try apply(sandbox).status, 3, "rolled back, the same state again: still applied once only")
    }

    /// Each kind of precondition a path can have, changed between plan and apply.
    func testAStalePathIsNamedWithWhatChangedAndNothingIsApplied() throws {
        let cases: [(String, (Sandbox) throws -> Void, String)] = [
            ("content", { try write("[server]\nname = edited\n", to: $0.path("/etc/demo/app.conf")) },
             "stale: /etc/demo/app.conf changed since the plan (sha256 "),
            ("mode", { try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: $0.path("/etc/demo/app.conf").path) },
             "stale: /etc/demo/app.conf changed since the plan (mode 0644 → 0600)"),
            ("link target", {
                try FileManager.default.removeItem(at: $0.path("/etc/demo/enabled/site.conf"))
                try FileManager.default.createSymbolicLink(atPath: $0.path("/etc/demo/enabled/site.conf").path, withDestinationPath: "/etc/other.conf")
            }, "stale: /etc/demo/enabled/site.conf changed since the plan (link to /etc/elsewhere.conf → link to /etc/other.conf)"),
            ("appeared", { try write("listen 80;\n", to: $0.path("/etc/demo/enabled/default.conf")) },
             "stale: /etc/demo/enabled/default.conf changed since the plan (absent → a file)"),
            ("gone", { try FileManager.default.removeItem(at: $0.path("/etc/demo/legacy")) },
             "stale: /etc/demo/legacy changed since the plan (a directory → absent)"),
        ]
        for (what, change, says) in cases {
            let sandbox = try sandbox()
            try savePlan(sandbox)
            try change(sandbox)
            let before = try TreeManifest(sandbox.root)
            let result = try apply(sandbox)
            XCTAssertEqual(result.status, 3, "\(what): \(result.all)")
            XCTAssertTrue(result.stderr.contains(says), "\(what): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains("the saved plan was not applied; nothing was changed"), result.stderr)
            XCTAssertEqual(try TreeManifest(sandbox.root), before, what)
            XCTAssertFalse(result.all.contains(secret))
        }
    }

    func testAChangedRunbookVariableOrTargetIsStale() throws {
        let cases: [(String, (Sandbox) throws -> [String], [String])] = [
            ("a chapter edited", { sandbox in
                let chapter = sandbox.runbook.appendingPathComponent("02-links.md")
                try (try String(contentsOf: chapter, encoding: .utf8) + "\nMore prose.\n").write(to: chapter, atomically: true, encoding: .utf8)
                return sandbox.arguments
            }, ["02-links.md changed since the plan (sha256 "]),
            ("a chapter added", { sandbox in
                try write("# Later\n\nProse only.\n", to: sandbox.runbook.appendingPathComponent("04-later.md"))
                return sandbox.arguments
            }, ["04-later.md is new since the plan"]),
            ("a variable given otherwise", { $0.arguments + ["--var", "port=9090"] },
             ["stale: variable port was '8080' in the plan (default); now it is '9090' (--var)"]),
            ("a secret not given again", { sandbox in Array(sandbox.arguments.dropLast(2)) },
             ["stale: secret secret is not the one the plan was made with (--var then; generated by this apply now)"]),
            ("a secret given otherwise", { sandbox in Array(sandbox.arguments.dropLast(2)) + ["--var", "secret=" + String(repeating: "ab", count: 32)] },
             ["stale: secret secret is not the one the plan was made with (--var then; --var now)"]),
            ("another target", { sandbox in
                let other = sandbox.base.appendingPathComponent("other")
                try FileManager.default.createDirectory(at: other, withIntermediateDirectories: true)
                return ["--runbook", sandbox.runbook.path, "--root", other.path, "--state-dir", sandbox.base.appendingPathComponent("state").path,
                        "--var", "secret=\(self.secret)"]
            }, ["stale: the plan was made for --root ", "/root; this apply is for --root ", "/other"]),
            ("another state directory", { sandbox in
                Array(sandbox.arguments.dropLast(4)) + ["--state-dir", sandbox.base.appendingPathComponent("state2").path, "--var", "secret=\(self.secret)"]
            }, ["stale: the plan was made with the state directory "]),
        ]
        for (what, change, says) in cases {
            let sandbox = try sandbox()
            try savePlan(sandbox)
            let arguments = try change(sandbox)
            let before = try TreeManifest(sandbox.root)
            let result = try apply(sandbox, arguments)
            XCTAssertEqual(result.status, 3, "\(what): \(result.all)")
            for line in says { XCTAssertTrue(result.stderr.contains(line), "\(what): expected \(line) in\n\(result.stderr)") }
            XCTAssertEqual(try TreeManifest(sandbox.root), before, what)
            XCTAssertFalse(result.all.contains(secret))
            XCTAssertFalse(result.all.contains(String(repeating: "ab", count: 32)))
        }
    }

    func testShowRendersTheSavedPlanWithoutTheTarget() throws {
        let sandbox = try sandbox()
        let planned = try RunbookBinary.run(["plan"] + sandbox.arguments)
        try savePlan(sandbox)
        try FileManager.default.removeItem(at: sandbox.root)
        try FileManager.default.removeItem(at: sandbox.runbook)
        let shown = try RunbookBinary.run(["show", sandbox.planFile.path])
        XCTAssertEqual(shown.status, 2, shown.all)
        XCTAssertTrue(shown.stdout.hasPrefix("Saved plan "), shown.stdout)
        let body = shown.stdout.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false).last.map(String.init) ?? ""
        XCTAssertEqual(body, planned.stdout, "show renders what plan printed")
        let json = try RunbookBinary.run(["show", sandbox.planFile.path, "--json"])
        XCTAssertEqual(json.status, 2, json.all)
        let validator = try JSONSchemaSubset(markdown: RunbookBinary.packageRoot.appendingPathComponent("docs/PLAN-JSON.md"))
        XCTAssertEqual(try validator.problems(in: Data(json.stdout.utf8)), [])
        let page = sandbox.base.appendingPathComponent("review.html")
        let html = try RunbookBinary.run(["show", sandbox.planFile.path, "--html", page.path])
        XCTAssertEqual(html.status, 2, html.all)
        let text = try String(contentsOf: page, encoding: .utf8)
        XCTAssertTrue(text.contains("/etc/demo/app.conf"))
        XCTAssertFalse(text.contains(secret))
        XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.root.path), "show made nothing of the target")
    }

    func testADamagedPlanFileIsRefusedByName() throws {
        let sandbox = try sandbox()
        try savePlan(sandbox)
        let text = try String(contentsOf: sandbox.planFile, encoding: .utf8)
        let damaged: [(String, String, String)] = [
            ("cut short", String(text.prefix(text.count / 2)), "reviewed.plan is not a saved plan: it is not valid JSON, or cut short"),
            ("empty", "", "reviewed.plan is not a saved plan: it is empty"),
            ("another format", text.replacingOccurrences(of: "\"runbook saved plan\"", with: "\"terraform plan\""),
             "reviewed.plan is not a saved plan: its format is 'terraform plan'"),
            ("a newer major version", text.replacingOccurrences(of: "\"formatVersion\" : \"1.0\"", with: "\"formatVersion\" : \"2.0\""),
             "reviewed.plan is a saved plan of format 2.0, which this runbook (format 1.0) cannot read"),
        ]
        let before = try TreeManifest(sandbox.root)
        for (what, content, says) in damaged {
            try content.write(to: sandbox.planFile, atomically: true, encoding: .utf8)
            for command in [["apply", sandbox.planFile.path] + sandbox.arguments, ["show", sandbox.planFile.path]] {
                let result = try RunbookBinary.run(command)
                XCTAssertEqual(result.status, 1, "\(what): \(result.all)")
                XCTAssertTrue(result.stderr.contains("\(sandbox.planFile.path): error: \(says)"), "\(what): \(result.stderr)")
            }
        }
        XCTAssertEqual(try TreeManifest(sandbox.root), before)
    }

    func testAGuardWhoseVerdictChangedIsStale() throws {
        let live = try LiveSandbox(self)
        try write("""
            # A guarded script

            ```text vars
            base  about="A temporary folder that stands in for /"
            ```

            ```sh run unless="test -f {{base}}/done"
            touch {{base}}/done
            ```

            """, to: live.runbook.appendingPathComponent("01-guard.md"))
        let planFile = live.base.deletingLastPathComponent().appendingPathComponent("guard.plan").path
        XCTAssertEqual(try live.run("plan", ["--out", planFile]).status, 2)
        try write("", to: live.base.appendingPathComponent("done"))
        let result = try RunbookBinary.run(["apply", planFile, "--state-dir", live.state.path, "--var", "base=\(live.base.path)"])
        XCTAssertEqual(result.status, 3, result.all)
        XCTAssertTrue(result.stderr.contains("stale: 01-guard/1 (run touch \(live.base.path)/done) would now do nothing (the guard unless `test -f \(live.base.path)/done` exited 0); the plan said it would run its script (the guard unless `test -f \(live.base.path)/done` exited 1)"),
                      result.stderr)
    }

    /// In process: the pre-check passed, then the target changed before the step ran (another
    /// writer, racing the apply). The step that no longer does what the plan said fails as stale,
    /// and its chapter is restored.
    func testAStepThatNoLongerKeepsToThePlanWhileApplyRunsFailsAndIsRestored() throws {
        let base = try makeTemporaryDirectory(self, "saved-plan-race")
        let root = base.appendingPathComponent("root")
        try write("""
            # Two files

            ```ini file=/etc/first.conf
            first = 1
            ```

            ```ini file=/etc/second.conf
            second = 1
            ```

            """, to: base.appendingPathComponent("runbook/01-two.md"))
        try FileManager.default.createDirectory(at: root.appendingPathComponent("etc"), withIntermediateDirectories: true)
        let runbook = try RunbookLoader(displayDirectory: "runbook").load(directory: base.appendingPathComponent("runbook").path)
        let prepared = try PreparedRunbook.prepare(runbook, variables: try VariableResolver(declarations: [], given: [], storedSecrets: [:]).resolve())
        let host = RootedHost(root: root.path)
        let state = StateDirectory(path: base.appendingPathComponent("state").path)
        let saved = try SavedPlan.make(try Planner(prepared: prepared, host: host).plan(), id: SavedPlan.newID(), prepared: prepared, host: host,
                                       stateDirectory: state.path.description, selection: StepSelection(), runbookVersion: "test", redactor: .none)
        try write("second = 1\n", to: root.appendingPathComponent("etc/second.conf"))
        var options = Applier.Options()
        options.savedPlan = saved
        let outcome = try Applier(prepared: prepared, host: host, state: state, options: options, redactor: .none,
                                  report: { _ in }, decide: { _ in .apply }).apply()
        let failure = try XCTUnwrap(outcome.failure)
        XCTAssertTrue(failure.contains("stale: 01-two/2 would now do nothing"), failure)
        XCTAssertTrue(failure.contains("but the saved plan said it would create /etc/second.conf"), failure)
        XCTAssertEqual(outcome.restored, ["/etc/first.conf"])
        XCTAssertFalse(FileManager.default.fileExists(atPath: root.appendingPathComponent("etc/first.conf").path))
    }
}
