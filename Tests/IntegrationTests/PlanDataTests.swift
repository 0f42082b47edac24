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

/// The plan is data: `plan --json` follows its documented, versioned schema, every change says
/// its action and the states before and after, the text plan's marks and counts agree, whole
/// scripts are shown, and the variables in effect are named with where each comes from.
final class PlanDataTests: XCTestCase {
    let schema = RunbookBinary.packageRoot.appendingPathComponent("docs/PLAN-JSON.md")
    let basic = RunbookBinary.fixtures.appendingPathComponent("runbooks/basic").path
    let secret = String(repeating: "c0", count: 32)

    /// A --root sandbox of the basic fixture where one managed file exists with other content, and
    /// two paths the runbook removes are there.
    func seededRoot() throws -> (root: URL, arguments: [String]) {
        let base = try makeTemporaryDirectory(self, "plan-data")
        let root = base.appendingPathComponent("root")
        try write("[server]\nname = old\n", to: root.appendingPathComponent("etc/demo/app.conf"), mode: 0o600)
        try write("listen 80 default;\n", to: root.appendingPathComponent("etc/demo/enabled/default.conf"))
        try write("old\n", to: root.appendingPathComponent("etc/demo/legacy/a.txt"))
        return (root, ["--runbook", basic, "--root", root.path, "--state-dir", base.appendingPathComponent("state").path,
                       "--var", "secret=\(secret)"])
    }

    func json(_ arguments: [String]) throws -> (data: Data, object: [String: Any]) {
        let plan = try RunbookBinary.run(["plan", "--json"] + arguments)
        XCTAssertTrue(plan.status == 0 || plan.status == 2, plan.all)
        let data = Data(plan.stdout.utf8)
        return (data, try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any], plan.stdout))
    }

    func steps(_ document: [String: Any]) -> [[String: Any]] {
        (document["chapters"] as? [[String: Any]] ?? []).flatMap { $0["steps"] as? [[String: Any]] ?? [] }
    }

    func testEveryPlanFollowsTheDocumentedSchema() throws {
        let validator = try JSONSchemaSubset(markdown: schema)
        let shippedRoot = try makeTemporaryDirectory(self, "plan-schema")
        let live = try LiveSandbox(self, runbook: RunbookBinary.fixtures.appendingPathComponent("runbooks/chapters"))
        let plans: [(String, [String])] = [
            ("the shipped runbook on a fresh --root", ["--root", shippedRoot.path]),
            ("the basic fixture over a seeded --root", try seededRoot().arguments),
            ("a live-host runbook with handlers and checks",
             ["--runbook", live.runbook.path, "--state-dir", live.state.path, "--var", "base=\(live.base.path)"]),
        ]
        for (what, arguments) in plans {
            let (data, document) = try json(arguments)
            XCTAssertEqual(document["formatVersion"] as? String, "1.2", what)
            XCTAssertEqual(document["kind"] as? String, "plan", what)
            XCTAssertEqual(try validator.problems(in: data), [], "\(what) breaks docs/PLAN-JSON.md's schema")
        }
    }

    /// Create, update, delete and link are told apart by `action` alone, with modes in octal and
    /// the after-state's hash that of what apply then writes.
    func testEachChangeSaysItsActionAndTheStatesBeforeAndAfter() throws {
        let (root, arguments) = try seededRoot()
        let (_, document) = try json(arguments)
        var changes: [String: [String: Any]] = [:]
        for step in steps(document) {
            for change in step["changes"] as? [[String: Any]] ?? [] {
                if let path = change["path"] as? String { changes[path] = change }
            }
        }
        func state(_ path: String, _ which: String) -> [String: Any] { changes[path]?[which] as? [String: Any] ?? [:] }

        XCTAssertEqual(changes["/etc/demo/app.conf"]?["action"] as? String, "update")
        XCTAssertEqual(state("/etc/demo/app.conf", "before")["mode"] as? String, "0600")
        XCTAssertEqual(state("/etc/demo/app.conf", "after")["mode"] as? String, "0644")
        XCTAssertEqual(changes["/etc/demo/key.conf"]?["action"] as? String, "create")
        XCTAssertEqual(state("/etc/demo/key.conf", "before")["kind"] as? String, "absent")
        XCTAssertEqual(state("/etc/demo/key.conf", "after")["mode"] as? String, "0600")
        XCTAssertEqual(changes["/etc/demo/enabled/default.conf"]?["action"] as? String, "delete")
        XCTAssertEqual(state("/etc/demo/enabled/default.conf", "after")["kind"] as? String, "absent")
        XCTAssertEqual(changes["/etc/demo/legacy"]?["action"] as? String, "delete")
        XCTAssertEqual(state("/etc/demo/legacy", "before")["kind"] as? String, "directory")
        XCTAssertEqual(changes["/etc/demo/enabled/site.conf"]?["action"] as? String, "link")
        XCTAssertEqual(state("/etc/demo/enabled/site.conf", "after")["target"] as? String, "/etc/demo/app.conf")
        XCTAssertEqual(changes["/var/www/demo"]?["action"] as? String, "create")
        XCTAssertEqual(state("/var/www/demo", "after")["kind"] as? String, "directory")

        let symbols = Dictionary(steps(document).map { ($0["id"] as? String ?? "", $0["symbol"] as? String ?? "") }) { first, _ in first }
        XCTAssertEqual(symbols["01-configure/1"], "~")
        XCTAssertEqual(symbols["01-configure/2"], "+")
        XCTAssertEqual(symbols["02-links/1"], "+")
        XCTAssertEqual(symbols["02-links/2"], "-")
        XCTAssertEqual(symbols["03-system/1"], "·")

        XCTAssertEqual(try RunbookBinary.run(["apply"] + arguments).status, 0)
        for path in ["/etc/demo/app.conf", "/etc/demo/key.conf"] {
            let written = try Data(contentsOf: root.appendingPathComponent(String(path.dropFirst())))
            XCTAssertEqual(state(path, "after")["sha256"] as? String, RunbookHost.SHA256.hex(written), "\(path): the plan's hash is what apply wrote")
        }
        let text = try RunbookBinary.run(["plan", "--json"] + arguments).stdout
        XCTAssertFalse(text.contains(secret), "no secret in the JSON plan")
    }

    /// The summary counts the marks of the lines above it, when=false steps among the skipped.
    func testTheCountsAreCountsOfTheMarksShown() throws {
        let shippedRoot = try makeTemporaryDirectory(self, "plan-counts")
        for arguments in [try seededRoot().arguments, ["--root", shippedRoot.path]] {
            let plan = try RunbookBinary.run(["plan"] + arguments).stdout
            let lines = plan.split(separator: "\n")
            func marked(_ symbol: String) -> Int { lines.filter { $0.hasPrefix("  \(symbol) ") }.count }
            let summary = try XCTUnwrap(lines.first { $0.hasPrefix("Plan: ") }, plan)
            let expected = "Plan: \(marked("+")) to create, \(marked("~")) to update, \(marked("-")) to delete, \(marked(">")) to run; "
            XCTAssertTrue(summary.hasPrefix(expected), "\(summary)\nexpected it to start with \(expected)")
            let quiet = marked("·")
            let numbers = summary.split(separator: ";")[1].split(separator: ",").compactMap { Int($0.split(separator: " ")[0]) }
            XCTAssertEqual(numbers.reduce(0, +), quiet, "unchanged + skipped = the lines marked ·:\n\(plan)")
            XCTAssertTrue(summary.contains("; \(marked("!")) handler"), String(summary))
            XCTAssertTrue(summary.contains("; \(marked("?")) check"), String(summary))
            XCTAssertTrue(plan.contains(PlanSymbol.legend), "the plan ends with the legend")
        }
    }

    func testWholeScriptsOfRunsHandlersAndChecksAreShown() throws {
        let sandbox = try LiveSandbox(self)
        try write("""
        # Scripts

        ```text vars
        base  about="A temporary folder that stands in for /"
        ```

        ```sh run unless="test -f {{base}}/etc/made" notify=announce
        echo first line
        echo "second line" > /dev/null

        touch {{base}}/etc/made
        ```

        ```sh handler=announce
        echo handler line one
        echo handler line two
        ```

        ```sh check
        test -f {{base}}/etc/made
        echo check line two > /dev/null
        ```

        """, to: sandbox.runbook.appendingPathComponent("01-scripts.md"))
        let plan = try sandbox.run("plan")
        XCTAssertEqual(plan.status, 2, plan.all)
        for line in ["echo first line", "echo \"second line\" > /dev/null", "touch \(sandbox.base.path)/etc/made", "echo handler line one",
                     "echo handler line two", "test -f \(sandbox.base.path)/etc/made", "echo check line two > /dev/null"] {
            XCTAssertTrue(plan.stdout.contains("      | \(line)\n"), "the plan shows '\(line)':\n\(plan.stdout)")
        }
        XCTAssertTrue(plan.stdout.contains("  > 01-scripts/1  run echo first line"), plan.stdout)

        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try sandbox.run("plan", ["--json"]).stdout.utf8)) as? [String: Any])
        let chapter = try XCTUnwrap((json["chapters"] as? [[String: Any]])?.first)
        let run = try XCTUnwrap(steps(json).first?["changes"] as? [[String: Any]])
        XCTAssertEqual(run.first?["action"] as? String, "run")
        XCTAssertEqual(run.first?["script"] as? String, "echo first line\necho \"second line\" > /dev/null\n\ntouch \(sandbox.base.path)/etc/made\n")
        XCTAssertEqual((chapter["handlers"] as? [[String: Any]])?.first?["script"] as? String, "echo handler line one\necho handler line two\n")
        XCTAssertEqual((chapter["checks"] as? [[String: Any]])?.first?["script"] as? String,
                       "test -f \(sandbox.base.path)/etc/made\necho check line two > /dev/null\n")
    }

    func testTheVariablesInEffectSayWhereEachComesFrom() throws {
        let base = try makeTemporaryDirectory(self, "plan-variables")
        let varsFile = base.appendingPathComponent("demo.vars")
        try write("# the app\napp_name=shop\n", to: varsFile)
        let arguments = ["--runbook", basic, "--root", base.appendingPathComponent("root").path,
                         "--state-dir", base.appendingPathComponent("state").path, "--vars-file", varsFile.path, "--var", "port=9090"]
        try FileManager.default.createDirectory(at: base.appendingPathComponent("root"), withIntermediateDirectories: true)
        let first = try RunbookBinary.run(["plan"] + arguments).stdout
        for line in ["  app_name    shop  (vars file \(varsFile.path):2)", "  port        9090  (--var)", "  mode        plain  (default)",
                     "  secret      ********  (generated by this apply)", "  config_dir  /etc/shop  (default)"] {
            XCTAssertTrue(first.contains(line + "\n"), "'\(line)' in:\n\(first)")
        }
        XCTAssertFalse(first.contains("warning:"), "no example name here")
        XCTAssertEqual(try RunbookBinary.run(["apply"] + arguments).status, 0)
        let kept = try RunbookBinary.run(["plan"] + arguments).stdout
        XCTAssertTrue(kept.contains("  secret      ********  (kept from an earlier apply)\n"), kept)
        let stored = try String(contentsOf: base.appendingPathComponent("state/secrets"), encoding: .utf8)
        let value = try XCTUnwrap(stored.split(separator: "\"").first { $0.count == 64 }.map(String.init), "the kept secret")
        XCTAssertFalse(kept.contains(value) || first.contains(value), "the secret's value is never shown")
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try RunbookBinary.run(["plan", "--json"] + arguments).stdout.utf8))
                                 as? [String: Any])
        let variables = try XCTUnwrap(json["variables"] as? [[String: Any]])
        let secret = try XCTUnwrap(variables.first { $0["name"] as? String == "secret" })
        XCTAssertNil(secret["value"], "a secret's value is not in the JSON")
        XCTAssertEqual(secret["source"] as? String, "kept")
        let app = try XCTUnwrap(variables.first { $0["name"] as? String == "app_name" })
        XCTAssertEqual(app["source"] as? String, "varsFile")
        XCTAssertEqual((app["sourceLocation"] as? [String: Any])?["line"] as? Int, 2)
    }

    /// A live plan of the shipped runbook warns that `domain` is still the example; a sandbox doesn't.
    func testAnExampleValueIsAWarningOnALiveHostOnly() throws {
        let state = try makeTemporaryDirectory(self, "plan-example")
        let warning = "warning: domain is still the example inference.example.com"
        let live = try RunbookBinary.run(["plan", "--state-dir", state.appendingPathComponent("live").path])
        XCTAssertTrue(live.stdout.contains(warning), live.all)
        XCTAssertTrue(live.stdout.contains("give this server's own with --var domain=VALUE or in a vars file"), live.stdout)
        let named = try RunbookBinary.run(["plan", "--state-dir", state.appendingPathComponent("named").path, "--var", "domain=api.shop.de"])
        XCTAssertFalse(named.stdout.contains("warning: domain"), named.stdout)
        let sandbox = try RunbookBinary.run(["plan", "--root", state.path])
        XCTAssertFalse(sandbox.stdout.contains(warning), sandbox.stdout)
    }
}
