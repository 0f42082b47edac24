import Foundation
import XCTest
import RunbookTestSupport

/// Values given to an apply are kept: an operator applies with `--var port=9090`, and a month
/// later `runbook apply` without it keeps 9090 instead of quietly converging back to the default.
/// A value given again wins, and the plan says so; `runbook vars` lists where every value comes
/// from, and `--forget` drops a kept one.
final class RememberedVariablesTests: XCTestCase {
    let basic = RunbookBinary.fixtures.appendingPathComponent("runbooks/basic").path
    let secret = "remembered-secret-5a6b7c8d"

    func sandbox() throws -> (root: URL, state: URL, arguments: [String]) {
        let base = try makeTemporaryDirectory(self, "remembered")
        let root = base.appendingPathComponent("root")
        let state = base.appendingPathComponent("state")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        return (root, state, ["--runbook", basic, "--root", root.path, "--state-dir", state.path])
    }

    func testAGivenValueIsKeptReusedOverriddenAndForgotten() throws {
        let (root, state, arguments) = try sandbox()
        let config = root.appendingPathComponent("etc/demo/app.conf")

        let planned = try RunbookBinary.run(["plan"] + arguments + ["--var", "port=9090"])
        XCTAssertEqual(planned.status, 2, planned.all)
        XCTAssertFalse(FileManager.default.fileExists(atPath: state.appendingPathComponent("variables").path),
                       "a plan keeps nothing")

        let applied = try RunbookBinary.run(["apply"] + arguments + ["--var", "port=9090", "--var", "secret=\(secret)"])
        XCTAssertEqual(applied.status, 0, applied.all)
        let kept = state.appendingPathComponent("variables")
        let mode = try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: kept.path)[.posixPermissions] as? Int)
        XCTAssertEqual(mode, 0o600, "the kept values hold a secret")

        let reused = try RunbookBinary.run(["plan"] + arguments)
        XCTAssertEqual(reused.status, 0, "the kept port is what the target has: nothing to change\n\(reused.all)")
        XCTAssertTrue(reused.stdout.contains("port        9090  (kept from apply 1)"), reused.stdout)
        XCTAssertTrue(reused.stdout.contains("secret      ********  (kept from apply 1)"), reused.stdout)
        XCTAssertFalse(reused.all.contains(secret), reused.all)

        let overridden = try RunbookBinary.run(["plan"] + arguments + ["--var", "port=9191"])
        XCTAssertEqual(overridden.status, 2, overridden.all)
        XCTAssertTrue(overridden.stdout.contains("port        9090 → 9191  (given now, --var; was kept from apply 1)"), overridden.stdout)

        let again = try RunbookBinary.run(["apply"] + arguments + ["--var", "port=9191"])
        XCTAssertEqual(again.status, 0, again.all)
        XCTAssertTrue(try String(contentsOf: config, encoding: .utf8).contains("port = 9191"))
        let later = try RunbookBinary.run(["apply"] + arguments)
        XCTAssertEqual(later.status, 0, later.all)
        XCTAssertTrue(try String(contentsOf: config, encoding: .utf8).contains("port = 9191"), "a later apply keeps the kept port")

        let listed = try RunbookBinary.run(["vars"] + arguments)
        XCTAssertEqual(listed.status, 0, listed.all)
        XCTAssertTrue(listed.stdout.contains("port        9191  (kept from apply 2)"), listed.stdout)
        XCTAssertTrue(listed.stdout.contains("mode        plain  (default)\n      Which greeting page to write\n      one of plain, fancy"), listed.stdout)
        XCTAssertTrue(listed.stdout.contains("secret      ********  (kept from apply 1)"), listed.stdout)
        XCTAssertFalse(listed.all.contains(secret), listed.all)

        let forgotten = try RunbookBinary.run(["vars", "--forget", "port"] + arguments)
        XCTAssertEqual(forgotten.status, 0, forgotten.all)
        XCTAssertTrue(forgotten.stdout.hasPrefix("Forgot port (kept from apply 2).\n"), "no value is repeated:\n\(forgotten.stdout)")
        XCTAssertTrue(forgotten.stdout.contains("port        8080  (default)"), forgotten.stdout)
        let secretForgotten = try RunbookBinary.run(["vars", "--forget", "secret"] + arguments)
        XCTAssertTrue(secretForgotten.stdout.hasPrefix("Forgot secret (kept from apply 1).\n"), secretForgotten.stdout)
        XCTAssertFalse(secretForgotten.all.contains(secret), secretForgotten.all)

        let before = try Data(contentsOf: kept)
        let unknown = try RunbookBinary.run(["vars", "--forget", "port"] + arguments)
        XCTAssertEqual(unknown.status, 1, unknown.all)
        XCTAssertTrue(unknown.stderr.contains("--forget port: error: no value of 'port' is kept, so there is nothing to forget"), unknown.stderr)
        XCTAssertEqual(try Data(contentsOf: kept), before, "a refused --forget changes nothing")
    }

    /// A name given twice is forgotten once; the value a forgotten variable had is never printed,
    /// since the runbook may have made it a secret since.
    func testANameForgottenTwiceIsForgottenOnce() throws {
        let (_, state, arguments) = try sandbox()
        XCTAssertEqual(try RunbookBinary.run(["apply"] + arguments + ["--var", "port=9090"]).status, 0)
        let forgotten = try RunbookBinary.run(["vars", "--forget", "port", "--forget", "port"] + arguments)
        XCTAssertEqual(forgotten.status, 0, forgotten.all)
        XCTAssertTrue(forgotten.stdout.contains("port        8080  (default)"), forgotten.stdout)
        XCTAssertFalse(forgotten.all.contains("9090"), forgotten.all)
        XCTAssertFalse(try String(contentsOf: state.appendingPathComponent("variables"), encoding: .utf8).contains("port"))
    }

    /// An apply stopped at the operator's request keeps nothing: they may have stopped it for the
    /// very value it was given, and the value kept before stays.
    func testAStoppedApplyKeepsNoValue() throws {
        let (_, state, arguments) = try sandbox()
        XCTAssertEqual(try RunbookBinary.run(["apply"] + arguments + ["--var", "port=9090"]).status, 0)
        let kept = try Data(contentsOf: state.appendingPathComponent("variables"))
        let session = try TerminalSession(command: [RunbookBinary.path, "apply", "--step", "--var", "port=9999"] + arguments,
                                          environment: ["NO_COLOR": "1"])
        let status = session.answer(prompt: "Apply this step? [y/N/a/q/d/s/?]", withEach: ["q"], timeout: 60)
        XCTAssertEqual(status, 0, session.transcript)
        XCTAssertEqual(try Data(contentsOf: state.appendingPathComponent("variables")), kept, session.transcript)
        XCTAssertTrue(try RunbookBinary.run(["vars"] + arguments).stdout.contains("port        9090  (kept from apply 1)"))
    }

    /// A failed apply keeps nothing: what it was given is not what the target holds.
    func testOnlyASuccessfulApplyKeepsValues() throws {
        let (_, state, arguments) = try sandbox()
        let failed = try RunbookBinary.run(["apply"] + arguments + ["--var", "port=9090"],
                                           environment: ["RUNBOOK_FAULT_AT": "2", "RUNBOOK_FAULT_ACTION": "fail"])
        XCTAssertEqual(failed.status, 1, failed.all)
        XCTAssertFalse(FileManager.default.fileExists(atPath: state.appendingPathComponent("variables").path), failed.all)
        let plan = try RunbookBinary.run(["plan"] + arguments)
        XCTAssertTrue(plan.stdout.contains("port        8080  (default)"), plan.stdout)
    }

    /// A kept value that the runbook no longer allows is refused, naming the state file, not
    /// silently replaced by the default; a value given now gets past it.
    func testAKeptValueThatNoLongerFitsIsRefusedNamingTheFile() throws {
        let (_, state, arguments) = try sandbox()
        XCTAssertEqual(try RunbookBinary.run(["apply"] + arguments + ["--var", "mode=fancy"]).status, 0)
        let kept = state.appendingPathComponent("variables")
        let text = try String(contentsOf: kept, encoding: .utf8).replacingOccurrences(of: "\"fancy\"", with: "\"plainer\"")
        try Data(text.utf8).write(to: kept)
        let refused = try RunbookBinary.run(["plan"] + arguments)
        XCTAssertEqual(refused.status, 1, refused.all)
        XCTAssertTrue(refused.stderr.contains("\(kept.path): error: the value of 'mode' kept from apply 1 no longer fits its declaration: 'mode' must be one of plain, fancy"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("`runbook vars --forget mode`"), refused.stderr)
        XCTAssertEqual(try RunbookBinary.run(["plan"] + arguments + ["--var", "mode=plain"]).status, 2, "a value given now gets past it")
    }

    /// On a live host an apply refuses a value still at its declaration's `example=`, before it
    /// changes anything; a value given, or kept from an earlier apply, is the server's own.
    func testALiveApplyRefusesAnExampleValue() throws {
        let sandbox = try LiveSandbox(self)
        try write("""
        # A site

        ```text vars
        base    about="A temporary folder that stands in for /"
        domain  example=inference.example.com
                about="The name clients use"
        ```

        ## Its name

        ```ini file={{base}}/etc/site.conf
        server_name {{domain}};
        ```
        """, to: sandbox.runbook.appendingPathComponent("01-site.md"))
        let site = sandbox.base.appendingPathComponent("etc/site.conf")

        let planned = try sandbox.run("plan")
        XCTAssertEqual(planned.status, 2, planned.all)
        XCTAssertTrue(planned.stdout.contains("warning: domain is still the example inference.example.com, the default at "), planned.stdout)
        XCTAssertTrue(planned.stdout.contains("apply refuses it on this host"), planned.stdout)

        let refused = try sandbox.run("apply")
        XCTAssertEqual(refused.status, 1, refused.all)
        XCTAssertTrue(refused.stderr.contains("01-site.md:5:1: error: 'domain' is still its example inference.example.com, which a live apply refuses"),
                      refused.stderr)
        XCTAssertTrue(refused.stderr.contains("give this server's own with --var domain=VALUE"), refused.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: site.path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.state.path), "a refused apply leaves no state behind")

        XCTAssertEqual(try sandbox.run("apply", ["--var", "domain=api.internal.lan"]).status, 0)
        XCTAssertEqual(try String(contentsOf: site, encoding: .utf8), "server_name api.internal.lan;\n")
        let kept = try sandbox.run("apply")
        XCTAssertEqual(kept.status, 0, "the kept domain is the server's own: \(kept.all)")

        let rooted = try makeRootedSandbox(self, "example-rooted", chapter: try String(contentsOf: sandbox.runbook.appendingPathComponent("01-site.md"), encoding: .utf8),
                                           file: "01-site.md", directory: "etc")
        let sandboxed = try RunbookBinary.run(["apply"] + rooted.arguments + ["--var", "base=/srv"])
        XCTAssertEqual(sandboxed.status, 0, "under --root the example works: \(sandboxed.all)")
    }
}
