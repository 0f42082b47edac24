import Foundation
import XCTest

/// What makes the tool look finished: colour as every careful CLI does it (only on a terminal,
/// errors red, `--color`, NO_COLOR, TERM=dumb), and messages and tables that say what they mean.
final class OutputConventionTests: XCTestCase {
    let runbook = RunbookBinary.fixtures.appendingPathComponent("runbooks/basic").path
    let escape = "\u{1B}["
    let redError = "\u{1B}[1m\u{1B}[31merror:"

    /// Runs `command` (a bash line) on a pseudo-terminal made by `script`, so stdout and stderr
    /// are a terminal unless the line redirects them; what the terminal showed, and the line's
    /// exit status, which the line reports itself: `script` run from the test runner loses it.
    func onTerminal(_ command: String, environment: [String: String] = [:]) throws -> (status: Int32?, shown: String) {
        var environment = environment
        environment["NO_COLOR"] = environment["NO_COLOR"] ?? ""
        environment["TERM"] = environment["TERM"] ?? "xterm-256color"
        environment["RUNBOOK"] = RunbookBinary.path
        environment["SHELL"] = "/bin/bash"
        let result = try Subprocess.run("/usr/bin/script", ["-qc", "set -o pipefail; \(command); echo \"[exit $?]\"", "/dev/null"],
                                        environment: environment)
        let status = result.stdout.range(of: "[exit ", options: .backwards).flatMap { start in
            Int32(result.stdout[start.upperBound...].prefix { $0.isNumber })
        }
        return (status, result.stdout)
    }

    func sandbox() throws -> String {
        let base = try makeTemporaryDirectory(self, "colour")
        return "--runbook \(runbook) --root \(base.path) --state-dir \(base.path)/state"
    }

    func testColourOnlyOnATerminalAndAsAsked() throws {
        let target = try sandbox()
        let terminal = try onTerminal("\"$RUNBOOK\" plan \(target)")
        XCTAssertEqual(terminal.status, 2, terminal.shown)
        XCTAssertTrue(terminal.shown.contains(escape), "no colour on a terminal:\n\(terminal.shown)")
        for (line, environment, why) in [
            ("\"$RUNBOOK\" plan \(target) | cat", [:], "stdout is a pipe"),
            ("\"$RUNBOOK\" plan \(target)", ["NO_COLOR": "1"], "NO_COLOR is set"),
            ("\"$RUNBOOK\" plan \(target)", ["TERM": "dumb"], "TERM is dumb"),
            ("\"$RUNBOOK\" plan \(target) --color=never", [:], "--color=never"),
            ("\"$RUNBOOK\" plan \(target) --no-color", [:], "--no-color"),
        ] {
            let result = try onTerminal(line, environment: environment)
            XCTAssertEqual(result.status, 2, result.shown)
            XCTAssertFalse(result.shown.contains(escape), "colour although \(why):\n\(result.shown)")
        }
        let forced = try RunbookBinary.run(["plan", "--color=always"] + target.split(separator: " ").map(String.init))
        XCTAssertTrue(forced.stdout.contains(escape), "--color=always into a pipe, NO_COLOR set, has no colour:\n\(forced.stdout)")
    }

    func testErrorsAreRedOnTheirOwnStream() throws {
        let target = try sandbox()
        // stdout into a pipe, stderr on the terminal: the error is red, and stdout stays plain.
        let error = try onTerminal("\"$RUNBOOK\" plan \(target) --chapter nope | cat")
        XCTAssertEqual(error.status, 64, error.shown)
        XCTAssertTrue(error.shown.contains("--chapter nope: \(redError)"), "the error is not red:\n\(error.shown)")
        let usage = try onTerminal("\"$RUNBOOK\" plna")
        XCTAssertTrue(usage.shown.contains("runbook: \(redError)"), "a usage error is not red:\n\(usage.shown)")
        // stderr into a file, stdout on the terminal: the plan is coloured, the errors file is plain.
        let log = try makeTemporaryDirectory(self, "stderr").appendingPathComponent("stderr")
        let plan = try onTerminal("\"$RUNBOOK\" plan \(target) --out \(log.path).plan 2>\(log.path)")
        XCTAssertTrue(plan.shown.contains(escape), plan.shown)
        XCTAssertFalse(try String(contentsOf: log, encoding: .utf8).contains(escape), "colour in stderr redirected to a file")
        for never in [["plna", "--color=never"], ["plna", "--no-color"]] {
            let result = try onTerminal("\"$RUNBOOK\" \(never.joined(separator: " "))")
            XCTAssertEqual(result.status, 64)
            XCTAssertFalse(result.shown.contains(escape), "\(never): \(result.shown)")
        }
    }

    func testRootSlashIsNamed() throws {
        let plan = try RunbookBinary.run(["plan", "--runbook", runbook, "--root", "/", "--state-dir",
                                          try makeTemporaryDirectory(self, "state").path])
        XCTAssertTrue(plan.stdout.contains("Plan for \(runbook) on --root /\n"), plan.all)
    }

    func testARootThatIsAFileIsNotADirectory() throws {
        let file = try makeTemporaryDirectory(self, "root-file").appendingPathComponent("server.img")
        try write("not a directory", to: file)
        let result = try RunbookBinary.run(["plan", "--runbook", runbook, "--root", file.path])
        XCTAssertEqual(result.status, 1, result.all)
        XCTAssertTrue(result.stderr.contains("--root \(file.path): error: --root takes a directory to treat as /, and \(file.path) is not a directory"),
                      result.stderr)
        XCTAssertFalse(result.stderr.contains("does not exist"), result.stderr)
        XCTAssertFalse(result.stderr.contains("mkdir"), result.stderr)
        let missing = try RunbookBinary.run(["plan", "--runbook", runbook, "--root", file.path + ".d"])
        XCTAssertTrue(missing.stderr.contains("does not exist (create it first: mkdir -p"), missing.stderr)
    }

    func testTheSnapshotsTableFitsItsColumnsAndEndsWithTheLastSnapshot() throws {
        let base = try makeTemporaryDirectory(self, "snapshots-table")
        let target = ["--runbook", runbook, "--root", base.path, "--state-dir", base.appendingPathComponent("state").path]
        XCTAssertEqual(try RunbookBinary.run(["apply"] + target).status, 0)
        XCTAssertEqual(try RunbookBinary.run(["rollback"] + target).status, 0)
        let table = try RunbookBinary.run(["snapshots"] + target.dropFirst(2))
        XCTAssertEqual(table.status, 0, table.all)
        let lines = table.stdout.split(separator: "\n").map(String.init)
        XCTAssertEqual(lines.count, 3, "a header and two snapshots, nothing after:\n\(table.stdout)")
        XCTAssertFalse(table.stdout.contains("Runbook:"), table.stdout)
        let header = lines[0]
        let paths = try XCTUnwrap(header.range(of: "PATHS")).lowerBound.utf16Offset(in: header)
        for line in lines.dropFirst() {
            let column = line.index(line.startIndex, offsetBy: paths)
            XCTAssertEqual(line[line.index(before: column)], " ", "OUTCOME runs into PATHS:\n\(table.stdout)")
            XCTAssertTrue(line[column...].first?.isNumber == true, "PATHS is not under its header:\n\(table.stdout)")
        }
        XCTAssertTrue(lines[1].contains("succeeded, undone by 2  "), table.stdout)
    }
}
