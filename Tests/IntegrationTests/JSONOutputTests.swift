import Foundation
import XCTest

/// Every `--json` output is one document of docs/JSON.md (a plan, of docs/PLAN-JSON.md): exactly
/// one JSON object on stdout, of the expected `kind`, valid against the schema block of that kind,
/// with modes as four octal digits, no secret, no file content outside a plan's diffs, and the
/// exit code of the text output. `apply` prints a stream, a line per document: each event valid
/// against the `event` schema, and its own document last.
final class JSONOutputTests: XCTestCase {
    let documents = RunbookBinary.packageRoot.appendingPathComponent("docs/JSON.md")
    let planDocument = RunbookBinary.packageRoot.appendingPathComponent("docs/PLAN-JSON.md")
    let basic = RunbookBinary.fixtures.appendingPathComponent("runbooks/basic").path
    let secret = "json-output-secret-4e5f6a7b"
    /// A line of app.conf as apply writes it: content that only a plan's diff may show.
    let content = "name = demo"

    struct Sandbox {
        var base: URL
        var root: URL
        /// What `snapshots` takes.
        var target: [String]
        /// What every other command takes: the runbook, the target and the secret.
        var arguments: [String]
        func path(_ absolute: String) -> URL { root.appendingPathComponent(String(absolute.dropFirst())) }
    }

    func sandbox() throws -> Sandbox {
        let base = try makeTemporaryDirectory(self, "json-output")
        let root = base.appendingPathComponent("root")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let target = ["--root", root.path, "--state-dir", base.appendingPathComponent("state").path]
        return Sandbox(base: base, root: root, target: target, arguments: ["--runbook", basic, "--var", "secret=\(secret)"] + target)
    }

    /// Runs `runbook ARGUMENTS --json`, expecting exit `status` and a document of `kind` that keeps
    /// every convention of docs/JSON.md; returns it.
    @discardableResult
    func document(_ arguments: [String], kind: String, status: Int32, environment: [String: String] = [:],
                  file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        let result = try RunbookBinary.run(arguments + ["--json"], environment: environment)
        let what = (arguments.prefix { !$0.hasPrefix("--") } + ["--json"]).joined(separator: " ")
        XCTAssertEqual(result.status, status, "\(what):\n\(result.all)", file: file, line: line)
        XCTAssertFalse(result.all.contains(secret), "\(what) showed the secret:\n\(result.all)", file: file, line: line)
        if kind != "plan" {
            XCTAssertFalse(result.stdout.contains(content), "\(what) showed file content:\n\(result.stdout)", file: file, line: line)
        }
        XCTAssertTrue(result.stdout.hasPrefix("{") && result.stdout.hasSuffix("}\n"), "\(what):\n\(result.stdout)", file: file, line: line)
        // Parsed whole: a second document or a stray line of progress makes it fail; a stream's
        // lines one by one, the last one whole.
        var events = arguments.first == "apply" ? result.stdout.split(separator: "\n") : []
        let data = Data((events.popLast().map { $0 + "\n" } ?? result.stdout).utf8)
        let eventSchema = try JSONSchemaSubset(markdown: documents, id: "event")
        for event in events {
            XCTAssertEqual(try eventSchema.problems(in: Data(event.utf8)), [], "\(what): \(event)", file: file, line: line)
        }
        let object = try XCTUnwrap(try JSONSerialization.jsonObject(with: data) as? [String: Any], result.stdout, file: file, line: line)
        XCTAssertEqual(object["kind"] as? String, kind, "\(what):\n\(result.stdout)", file: file, line: line)
        let schema = kind == "plan" ? try JSONSchemaSubset(markdown: planDocument) : try JSONSchemaSubset(markdown: documents, id: kind)
        XCTAssertEqual(try schema.problems(in: data), [], "\(what) breaks the documented schema of \(kind)", file: file, line: line)
        for mode in values(of: "mode", in: object) {
            let octal = (mode as? String).map { $0.count == 4 && $0.allSatisfy("01234567".contains) } ?? false
            XCTAssertTrue(octal, "\(what): mode \(mode) is not four octal digits", file: file, line: line)
        }
        return object
    }

    /// Every value of `key` at any depth.
    func values(of key: String, in value: Any) -> [Any] {
        switch value {
        case let object as [String: Any]: object.flatMap { name, member in (name == key ? [member] : []) + values(of: key, in: member) }
        case let array as [Any]: array.flatMap { values(of: key, in: $0) }
        default: []
        }
    }

    func testCheckAndPlanSayWhatIsWrongAsAnErrorList() throws {
        let sandbox = try sandbox()
        let clean = try document(["check"] + sandbox.arguments, kind: "check", status: 0)
        XCTAssertEqual(clean["formatVersion"] as? String, "1.0")
        XCTAssertEqual(clean["chapters"] as? Int, 4)
        XCTAssertEqual(clean["variables"] as? Int, 5)
        XCTAssertEqual((clean["errors"] as? [Any])?.count, 0)

        let wrong = try document(["check", "--var", "port=abc"] + sandbox.arguments, kind: "check", status: 1)
        XCTAssertNil(wrong["steps"], "a runbook with errors has no counts")
        let errors = try XCTUnwrap(wrong["errors"] as? [[String: String]])
        XCTAssertEqual(errors.first?["location"], "--var port")
        XCTAssertEqual(errors.first?["message"], "'port' must be a whole number")
        XCTAssertTrue(errors.first?["hint"]?.contains("see its declaration") == true, "\(errors)")

        let refused = try document(["plan", "--var", "port=abc"] + sandbox.arguments, kind: "errors", status: 1)
        XCTAssertEqual((refused["errors"] as? [[String: String]])?.map { $0["location"] }, ["--var port"])
        let missingRoot = try document(["plan", "--root", sandbox.base.appendingPathComponent("nowhere").path], kind: "errors", status: 1)
        XCTAssertTrue((missingRoot["errors"] as? [[String: String]])?.first?["hint"]?.hasPrefix("create it first") == true, "\(missingRoot)")

        let plan = try document(["plan"] + sandbox.arguments, kind: "plan", status: 2)
        XCTAssertEqual(plan["formatVersion"] as? String, "1.2")
    }

    /// Apply, list, show, and every way a rollback ends: nothing to undo, refused on drift, forced
    /// over it, stopped midway, and finished.
    func testApplySnapshotsAndEveryRollbackOutcome() throws {
        let sandbox = try sandbox()
        let nothing = try document(["rollback"] + sandbox.arguments, kind: "rollback", status: 0)
        XCTAssertEqual(nothing["outcome"] as? String, "nothingToUndo")

        let applied = try document(["apply"] + sandbox.arguments, kind: "apply", status: 0)
        XCTAssertEqual(applied["ok"] as? Bool, true)
        XCTAssertEqual(applied["snapshot"] as? Int, 1)

        let listed = try document(["snapshots"] + sandbox.target, kind: "snapshots", status: 0)
        let entry = try XCTUnwrap((listed["snapshots"] as? [[String: Any]])?.first)
        XCTAssertEqual(entry["id"] as? Int, 1)
        XCTAssertEqual(entry["status"] as? String, "succeeded")
        XCTAssertEqual(entry["kind"] as? String, "apply")

        let shown = try document(["snapshots", "show", "1"] + sandbox.target, kind: "snapshot", status: 0)
        XCTAssertEqual((shown["snapshot"] as? [String: Any])?["pathCount"] as? Int, (shown["records"] as? [Any])?.count)
        let records = try XCTUnwrap(shown["records"] as? [[String: Any]])
        let key = try XCTUnwrap(records.first { $0["path"] as? String == "/etc/demo/key.conf" })
        XCTAssertEqual(key["sensitive"] as? Bool, true)
        XCTAssertEqual((key["after"] as? [String: Any])?["mode"] as? String, "0600")
        XCTAssertNil((key["after"] as? [String: Any])?["sha256"], "the hash of the key file is withheld")
        let config = try XCTUnwrap(records.first { $0["path"] as? String == "/etc/demo/app.conf" })
        XCTAssertEqual((config["after"] as? [String: Any])?["mode"] as? String, "0644")
        XCTAssertNotNil((config["after"] as? [String: Any])?["sha256"])
        XCTAssertFalse(values(of: "mode", in: shown).isEmpty)

        let configFile = sandbox.path("/etc/demo/app.conf")
        try write("[server]\nname = edited by hand\n", to: configFile)
        let edited = try TreeManifest(sandbox.root)
        let refused = try document(["rollback"] + sandbox.arguments, kind: "rollback", status: 1)
        XCTAssertEqual(refused["outcome"] as? String, "refusedDrift")
        XCTAssertEqual(refused["undoes"] as? [Int], [1])
        XCTAssertNil(refused["snapshot"])
        XCTAssertEqual((refused["drift"] as? [[String: Any]])?.map { $0["path"] as? String }, ["/etc/demo/app.conf"])
        XCTAssertEqual(try TreeManifest(sandbox.root), edited, "a refused rollback changed something")

        let forced = try document(["rollback", "--force"] + sandbox.arguments, kind: "rollback", status: 0)
        XCTAssertEqual(forced["outcome"] as? String, "restored")
        XCTAssertEqual(forced["snapshot"] as? Int, 2)
        XCTAssertEqual((forced["drift"] as? [Any])?.count, 1)
        XCTAssertTrue((forced["restored"] as? [String])?.contains("/etc/demo/app.conf") == true, "\(forced)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: configFile.path))

        try document(["apply"] + sandbox.arguments, kind: "apply", status: 0)
        let stopped = try document(["rollback"] + sandbox.arguments, kind: "rollback", status: 1,
                                   environment: ["RUNBOOK_FAULT_AT": "3", "RUNBOOK_FAULT_ACTION": "fail"])
        XCTAssertEqual(stopped["outcome"] as? String, "stopped")
        XCTAssertEqual(stopped["snapshot"] as? Int, 4)
        XCTAssertTrue((stopped["failure"] as? String)?.contains("stopped midway") == true, "\(stopped)")
        let finished = try document(["rollback"] + sandbox.arguments, kind: "rollback", status: 0)
        XCTAssertEqual(finished["outcome"] as? String, "restored")
        XCTAssertEqual(finished["finishes"] as? [Int], [4])
        XCTAssertEqual(finished["undoes"] as? [Int], [3])

        let history = try document(["snapshots"] + sandbox.target, kind: "snapshots", status: 0)
        let statuses = (history["snapshots"] as? [[String: Any]] ?? []).map { "\($0["id"] ?? "?") \($0["status"] ?? "?")" }
        XCTAssertEqual(statuses, ["1 succeeded", "2 succeeded", "3 succeeded", "4 interrupted", "5 succeeded"])
    }

    func testASavedPlanIsAppliedOnceThenRefusedAsStale() throws {
        let sandbox = try sandbox()
        let file = sandbox.base.appendingPathComponent("reviewed.plan").path
        XCTAssertEqual(try RunbookBinary.run(["plan", "--out", file] + sandbox.arguments).status, 2)
        let applied = try document(["apply", file] + sandbox.arguments, kind: "apply", status: 0)
        let id = try XCTUnwrap(applied["plan"] as? String)
        let again = try document(["apply", file] + sandbox.arguments, kind: "stalePlan", status: 3)
        XCTAssertEqual(again["file"] as? String, file)
        XCTAssertTrue((again["stale"] as? [String])?.first?.hasPrefix("plan \(id) was applied already") == true, "\(again)")
    }

    /// `vars --json`: every variable with what it may be and its value in effect, a kept one with
    /// the apply that kept it, and what `--forget` dropped; a secret only as its name.
    func testVarsListsEveryVariableAndWhatForgetDropped() throws {
        let sandbox = try sandbox()
        let fresh = try document(["vars"] + sandbox.arguments, kind: "vars", status: 0)
        let variables = try XCTUnwrap(fresh["variables"] as? [[String: Any]])
        XCTAssertEqual(variables.map { $0["name"] as? String }, ["app_name", "port", "mode", "secret", "config_dir"])
        XCTAssertEqual(variables[2]["allowedValues"] as? [String], ["plain", "fancy"])
        XCTAssertEqual(variables[1]["type"] as? String, "integer")
        XCTAssertEqual((variables[3]["inEffect"] as? [String: Any])?["source"] as? String, "commandLine")
        XCTAssertNil((variables[3]["inEffect"] as? [String: Any])?["value"], "a secret's value is not in the JSON")

        try document(["apply", "--var", "port=9090"] + sandbox.arguments, kind: "apply", status: 0)
        let plan = try document(["plan", "--var", "port=9191"] + sandbox.arguments, kind: "plan", status: 2)
        let port = try XCTUnwrap((plan["variables"] as? [[String: Any]])?.first { $0["name"] as? String == "port" })
        let replaced = try XCTUnwrap(port["replacesKept"] as? [String: Any])
        XCTAssertEqual(replaced["value"] as? String, "9090")
        XCTAssertEqual((replaced["keptFrom"] as? [String: Any])?["snapshot"] as? Int, 1)

        let forgotten = try document(["vars", "--forget", "port"] + sandbox.arguments, kind: "vars", status: 0)
        XCTAssertEqual(forgotten["forgotten"] as? [String], ["port"])
        let after = try XCTUnwrap((forgotten["variables"] as? [[String: Any]])?.first { $0["name"] as? String == "port" })
        XCTAssertEqual((after["inEffect"] as? [String: Any])?["source"] as? String, "default")
        let kept = try document(["vars"] + sandbox.target + ["--runbook", basic], kind: "vars", status: 0)
        let secret = try XCTUnwrap((kept["variables"] as? [[String: Any]])?.first { $0["name"] as? String == "secret" })
        let inEffect = try XCTUnwrap(secret["inEffect"] as? [String: Any])
        XCTAssertEqual(inEffect["source"] as? String, "keptFromApply")
        XCTAssertEqual((inEffect["keptFrom"] as? [String: Any])?["snapshot"] as? Int, 1)
    }
}
