import Foundation
import XCTest

/// Long work shows progress. Off a terminal each step says when it starts and when it ends, with
/// its duration; `apply --json` streams its events as they happen, one document a line; and the
/// summary gives the total time and the three slowest steps. On the live host, every path in a
/// temporary folder, so the slow script, the handler and the retrying check really run.
final class ApplyProgressTests: XCTestCase {
    var sandbox: LiveSandbox!
    var base: URL { sandbox.base }

    /// A 1.5 s script, a handler, a check that passes at its third attempt, and a check whose
    /// first line carries the secret, which no line of progress may show.
    override func setUpWithError() throws {
        sandbox = try LiveSandbox(self)
        try write("""
            # Slow work

            ```text vars
            base   about="A temporary folder that stands in for /"
            token  secret generated=24  about="A key the last check names"
            tries  default=2  type=integer  about="Attempts of the check that fail before one passes"
            ```

            ```ini file={{base}}/etc/app.conf notify=reload-app
            greeting = hello
            ```

            ```sh run creates={{base}}/slow
            sleep 1.5
            touch {{base}}/slow
            ```

            ```sh handler=reload-app
            echo reload >> {{base}}/handler.log
            ```

            ```sh check retries=3 delay=0.2
            echo try >> {{base}}/tries && test $(wc -l < {{base}}/tries) -gt {{tries}}
            ```

            ```sh check
            test "{{token}}" != ""
            ```

            """, to: sandbox.runbook.appendingPathComponent("01-slow.md"))
    }

    var secret: String {
        get throws {
            let stored = try JSONSerialization.jsonObject(with: Data(contentsOf: sandbox.state.appendingPathComponent("secrets")))
            return try XCTUnwrap((stored as? [String: String])?["token"])
        }
    }

    /// A duration as the text output shows it, in its brackets.
    let duration = #"\((after \d+ attempts, )?(\d+ ms|\d+\.\d s)\)"#

    func testOffATerminalEachStepSaysWhenItStartsAndWhenItEndsWithItsDuration() throws {
        let apply = try sandbox.run("apply")
        XCTAssertEqual(apply.status, 0, apply.all)
        XCTAssertFalse(apply.all.contains(try secret), apply.all)
        let lines = apply.stdout.components(separatedBy: "\n")
        func index(_ pattern: String) -> Int? { lines.firstIndex { $0.range(of: pattern, options: .regularExpression) != nil } }
        let expected = [
            #"^  → 01-slow/1  file \S+/etc/app\.conf: started$"#,
            #"^  \+ 01-slow/1  file \S+/etc/app\.conf "# + duration + "$",
            #"^  → 01-slow/2  run sleep 1\.5: started$"#,
            #"^  > 01-slow/2  run sleep 1\.5 "# + duration + "$",
            #"^  → 01-slow/3  handler reload-app: started$"#,
            #"^  ! handler reload-app ran "# + duration + "$",
            #"^  → 01-slow/4  check echo try .*: started$"#,
            #"^  → 01-slow/4  check echo try .*: attempt 1 of 4 failed; the next in 200 ms$"#,
            #"^  → 01-slow/4  check echo try .*: attempt 2 of 4 failed; the next in 200 ms$"#,
            #"^  ✓ 01-slow/4  check echo try .* \(after 3 attempts, (\d+ ms|\d+\.\d s)\)$"#,
            #"^  → 01-slow/5  check test "\*\*\*\*\*\*\*\*" != "": started$"#,
            #"^Took \d+\.\d s; the slowest steps:$"#,
            #"^  \d+\.\d s +01-slow/2  run sleep 1\.5$"#,
        ]
        let found = expected.map(index)
        XCTAssertFalse(found.contains(nil), "missing: \(zip(expected, found).filter { $0.1 == nil }.map(\.0))\n\(apply.stdout)")
        XCTAssertEqual(found.compactMap { $0 }, found.compactMap { $0 }.sorted(), "out of order:\n\(apply.stdout)")
        let took = try XCTUnwrap(index("^Took "))
        XCTAssertEqual(lines[(took + 1)...].filter { $0.hasPrefix("  ") }.count, 3, "the three slowest:\n\(apply.stdout)")

        let again = try sandbox.run("apply")
        XCTAssertEqual(again.status, 0, again.all)
        XCTAssertFalse(again.stdout.contains("→ 01-slow/2"), "a step with nothing to do does not start:\n\(again.stdout)")
        XCTAssertTrue(again.stdout.contains("· 01-slow/2  run sleep 1.5: "), again.stdout)
    }

    /// The events arrive while the apply runs, each one line valid against docs/JSON.md, in the
    /// order the work happens, and the apply document comes last.
    func testTheJSONStreamHasEachEventAsItHappensAndTheApplyDocumentLast() throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: RunbookBinary.path)
        process.arguments = ["apply", "--json", "--runbook", sandbox.runbook.path, "--state-dir", sandbox.state.path, "--var", "base=\(base.path)"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        var stdout = ""
        var runningWhenTheSlowStepStarted: Bool?
        while case let chunk = output.fileHandleForReading.availableData, !chunk.isEmpty {
            stdout += String(decoding: chunk, as: UTF8.self)
            if runningWhenTheSlowStepStarted == nil, stdout.contains(#""event":"stepStarted","formatVersion":"1.1","kind":"event","step":"01-slow/2""#) {
                runningWhenTheSlowStepStarted = process.isRunning
            }
        }
        process.waitUntilExit()
        XCTAssertEqual(process.terminationStatus, 0, stdout)
        XCTAssertEqual(runningWhenTheSlowStepStarted, true, "the step's start is printed when it starts, not at the end:\n\(stdout)")
        XCTAssertFalse(stdout.contains(try secret), stdout)

        let documents = try JSONLines.documents(stdout)
        let schemas = RunbookBinary.packageRoot.appendingPathComponent("docs/JSON.md")
        let eventSchema = try JSONSchemaSubset(markdown: schemas, id: "event")
        for line in stdout.split(separator: "\n").dropLast() {
            XCTAssertEqual(try eventSchema.problems(in: Data(line.utf8)), [], String(line))
        }
        XCTAssertEqual(try JSONSchemaSubset(markdown: schemas, id: "apply").problems(in: Data(stdout.split(separator: "\n").last!.utf8)), [])
        let events = documents.dropLast()
        XCTAssertTrue(events.allSatisfy { $0["kind"] as? String == "event" && $0["formatVersion"] as? String == "1.1" })
        let story = events.map { event in
            [event["event"], event["step"], event["outcome"], event["attempt"]].compactMap { $0.map { "\($0)" } }.joined(separator: " ")
        }
        XCTAssertEqual(story, [
            "chapter",
            "stepStarted 01-slow/1", "stepFinished 01-slow/1 changed",
            "stepStarted 01-slow/2", "stepFinished 01-slow/2 changed",
            "stepStarted 01-slow/3", "stepFinished 01-slow/3 ran",
            "stepStarted 01-slow/4", "checkAttempt 01-slow/4 1", "checkAttempt 01-slow/4 2", "stepFinished 01-slow/4 passed",
            "stepStarted 01-slow/5", "stepFinished 01-slow/5 passed",
        ])
        XCTAssertTrue(events.filter { $0["event"] as? String == "stepFinished" }.allSatisfy { $0["seconds"] is Double }, "\(events)")
        XCTAssertEqual(events.first { $0["event"] as? String == "checkAttempt" }?["attempts"] as? Int, 4)
        XCTAssertEqual(events.first { $0["step"] as? String == "01-slow/3" && $0["event"] as? String == "stepFinished" }?["handler"] as? String,
                       "reload-app")
        XCTAssertEqual(events.last?["attempts"] as? Int, 1)
        XCTAssertEqual(events.last?["summary"] as? String, #"check test "********" != """#)

        let summary = try XCTUnwrap(documents.last)
        XCTAssertEqual(summary["kind"] as? String, "apply")
        XCTAssertEqual(summary["formatVersion"] as? String, "1.1")
        XCTAssertTrue(summary["seconds"] is Double, "\(summary)")
        let slowest = try XCTUnwrap(summary["slowestSteps"] as? [[String: Any]])
        XCTAssertEqual(slowest.count, 3)
        XCTAssertEqual(slowest.first?["step"] as? String, "01-slow/2", "the 1.5 s script is the slowest: \(slowest)")
    }

    /// A step that fails ends its `stepStarted` with `failed`; then come the restore's events.
    func testAFailedCheckEndsWithFailedThenTheRestore() throws {
        let failed = try sandbox.run("apply", ["--json", "--var", "tries=9"])
        XCTAssertEqual(failed.status, 1, failed.all)
        let documents = try JSONLines.documents(failed.stdout)
        let story = documents.dropLast().map { event in
            [event["event"], event["step"] ?? event["handler"], event["outcome"]].compactMap { $0.map { "\($0)" } }.joined(separator: " ")
        }
        XCTAssertEqual(Array(story.drop { $0 != "stepStarted 01-slow/4" }), [
            "stepStarted 01-slow/4", "checkAttempt 01-slow/4", "checkAttempt 01-slow/4", "checkAttempt 01-slow/4",
            "stepFinished 01-slow/4 failed", "restoring", "restored", "restored", "handlerRerun reload-app",
        ])
        let paths = documents.filter { $0["event"] as? String == "restored" }.compactMap { $0["path"] as? String }
        XCTAssertEqual(Set(paths), ["\(base.path)/etc/app.conf", "\(base.path)/slow"])
        XCTAssertEqual(documents.last { $0["event"] as? String == "handlerRerun" }?["ok"] as? Bool, true)
        XCTAssertEqual(documents.last?["ok"] as? Bool, false)
    }
}
