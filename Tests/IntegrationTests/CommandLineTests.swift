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

/// A mistyped command line never touches the target: every word a command does not take is a
/// wrong command line (exit 64) that names the word, suggests what was meant, echoes no secret,
/// and reads or writes nothing, not even the state directory.
final class CommandLineTests: XCTestCase {
    let runbook = RunbookBinary.fixtures.appendingPathComponent("runbooks/basic").path

    struct WrongLine {
        var arguments: [String]
        var says: String
    }

    /// Each of these once either converged the wrong target or quietly did more than asked.
    static let wrongLines: [WrongLine] = [
        WrongLine(arguments: ["apply", "/tmp/sandbox"], says: "apply takes a saved plan file, and there is none at '/tmp/sandbox' (to treat a directory as /, write --root /tmp/sandbox)"),
        WrongLine(arguments: ["apply", "/tmp"], says: "apply takes a saved plan file, but '/tmp' is a directory (to treat a directory as /, write --root /tmp)"),
        WrongLine(arguments: ["apply", "/etc/hostname", "--step"], says: "apply /etc/hostname carries out the saved plan as it was reviewed, so it does not take --step"),
        WrongLine(arguments: ["apply", "/etc/hostname", "--only", "01-configure/1"], says: "so it does not take --only"),
        WrongLine(arguments: ["apply", "/etc/hostname", "/etc/hosts"], says: "apply takes one saved plan file"),
        WrongLine(arguments: ["show"], says: "show needs the saved plan file to read"),
        WrongLine(arguments: ["plan", "--out"], says: "--out needs a value"),
        WrongLine(arguments: ["apply", "domain=api.example.com"], says: "to set a variable, write --var domain=…"),
        WrongLine(arguments: ["plan", "secret=hunter2-hunter2-hunter2"], says: "plan takes no argument, but was given 'secret=…'"),
        WrongLine(arguments: ["plan", "--force"], says: "plan does not take --force"),
        WrongLine(arguments: ["plan", "--step"], says: "plan does not take --step"),
        WrongLine(arguments: ["rollback", "--only", "01-configure/1"], says: "rollback does not take --only"),
        WrongLine(arguments: ["rollback", "--chapter", "01-configure"], says: "rollback does not take --chapter"),
        WrongLine(arguments: ["rollback", "--html", "review.html"], says: "rollback does not take --html"),
        WrongLine(arguments: ["rollback", "1", "2"], says: "rollback takes at most one snapshot id"),
        WrongLine(arguments: ["rollback", "last"], says: "rollback takes a snapshot id, a whole number, not 'last'"),
        WrongLine(arguments: ["snapshots", "--var", "port=1"], says: "snapshots does not take --var"),
        WrongLine(arguments: ["snapshots", "show"], says: "snapshots takes no argument, or `show ID`"),
        WrongLine(arguments: ["check", "--step"], says: "check does not take --step"),
        WrongLine(arguments: ["apply", "--force"], says: "apply does not take --force"),
        WrongLine(arguments: ["apply", "--step", "--json"], says: "--step asks at a terminal, so it cannot be combined with --json"),
        WrongLine(arguments: ["plna"], says: "there is no command 'plna' (did you mean 'plan'?)"),
        WrongLine(arguments: ["plan", "--rot", "/tmp/x"], says: "unknown option '--rot' (did you mean '--root'?)"),
        WrongLine(arguments: ["plan", "--secret=hunter2-hunter2-hunter2"], says: "unknown option '--secret'"),
        WrongLine(arguments: ["plan", "--json=yes"], says: "--json takes no value"),
        WrongLine(arguments: ["plan", "--var", "domain"], says: "--var takes NAME=VALUE, and this one has no '='"),
        WrongLine(arguments: ["plan", "--var", "hunter2-hunter2-hunter2"], says: "--var takes NAME=VALUE, and this one has no '='"),
        WrongLine(arguments: ["plan", "--var", "=9090"], says: "--var takes NAME=VALUE, and this one has no name"),
        WrongLine(arguments: ["plan", "--root"], says: "--root needs a value"),
        WrongLine(arguments: ["plan", "--vars-file", "secret=hunter2-hunter2-hunter2"], says: "--vars-file takes a path or a name, not NAME=VALUE like 'secret=…'"),
        WrongLine(arguments: ["plan", "--only", "secret=hunter2-hunter2-hunter2"], says: "(to set a variable, write --var secret=…)"),
        WrongLine(arguments: ["plan", "--runbook=secret=hunter2-hunter2-hunter2"], says: "--runbook takes a path or a name"),
        WrongLine(arguments: ["apply", "--root="], says: "--root needs a value"),
        WrongLine(arguments: ["apply", "--root", "/tmp/a", "--root", "/"], says: "--root is given twice"),
        WrongLine(arguments: ["apply", "--state-dir", ""], says: "--state-dir needs a value"),
        WrongLine(arguments: ["apply", "--chapter", "--json"], says: "--chapter needs a value"),
        WrongLine(arguments: ["help", "nope"], says: "there is no command 'nope'"),
        WrongLine(arguments: ["help", "plan", "apply"], says: "help takes at most one command name"),
        WrongLine(arguments: ["--help", "aply"], says: "there is no command 'aply' (did you mean 'apply'?)"),
        WrongLine(arguments: ["plan", "--host", "-oProxyCommand=touch /tmp/owned"], says: "--host has an empty or unusable host name"),
        WrongLine(arguments: ["plan", "--host", "web-1:99999"], says: "--host has a port that is not a number from 1 to 65535"),
        WrongLine(arguments: ["plan", "--host", "web 1"], says: "--host has an empty or unusable host name"),
        WrongLine(arguments: ["apply", "--host", "web-1", "--step"], says: "--host does not take --step yet"),
        WrongLine(arguments: ["plan", "--host", "web-1", "--out", "p.plan"], says: "--host does not take --out yet"),
        WrongLine(arguments: ["check", "--host", "web-1"], says: "check does not take --host"),
        WrongLine(arguments: ["agent", "--json"], says: "agent does not take --json"),
        WrongLine(arguments: ["agent", "plan"], says: "agent takes no argument"),
        WrongLine(arguments: ["apply", "\u{1B}[31mred\nline"], says: "apply takes a saved plan file, and there is none at '?[31mred?line'"),
    ]

    func testEveryWrongCommandLineExits64AndTouchesNothing() throws {
        let base = try makeTemporaryDirectory(self, "command-line")
        let root = base.appendingPathComponent("root")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let state = base.appendingPathComponent("state")
        let before = try TreeManifest(base)
        for line in Self.wrongLines {
            // Run from inside the empty root: a stray word must not be taken as anything there either.
            let target = line.arguments.contains("--root") ? [] : ["--root", root.path]
            let result = try RunbookBinary.run(line.arguments + ["--runbook", runbook, "--state-dir", state.path] + target,
                                               directory: root)
            XCTAssertEqual(result.status, 64, "\(line.arguments): \(result.all)")
            XCTAssertTrue(result.stderr.contains(line.says), "\(line.arguments) should say \(line.says):\n\(result.stderr)")
            XCTAssertTrue(result.stderr.contains("Nothing was read or changed"), result.stderr)
            XCTAssertEqual(result.stdout, "", "\(line.arguments) printed to stdout")
            XCTAssertFalse(result.all.contains("hunter2"), "a usage error echoed a secret: \(result.all)")
            XCTAssertFalse(result.all.contains("\u{1B}"), "a usage error passed a control character to the terminal")
        }
        XCTAssertEqual(try TreeManifest(base), before, "a wrong command line changed something")
        XCTAssertFalse(FileManager.default.fileExists(atPath: state.path), "a wrong command line made the state directory")
    }

    func testPlanTakesChapterAndOnlyAsApplyDoes() throws {
        let base = try makeTemporaryDirectory(self, "plan-selection")
        let common = ["--runbook", runbook, "--root", base.path, "--state-dir", base.appendingPathComponent("state").path]
        let chapter = try RunbookBinary.run(["plan", "--chapter", "02-links"] + common)
        XCTAssertEqual(chapter.status, 2, chapter.all)
        XCTAssertTrue(chapter.stdout.contains("02-links/1"), chapter.stdout)
        XCTAssertFalse(chapter.stdout.contains("01-configure/"), "--chapter planned another chapter:\n\(chapter.stdout)")
        let only = try RunbookBinary.run(["plan", "--only", "01-configure/1"] + common)
        XCTAssertEqual(only.status, 2, only.all)
        XCTAssertTrue(only.stdout.contains("01-configure/1"), only.stdout)
        XCTAssertFalse(only.stdout.contains("01-configure/2"), "--only planned another step:\n\(only.stdout)")
        XCTAssertTrue(only.stdout.contains("Plan: 1 to create, 0 to update, 0 to delete, 0 to run;"), only.stdout)
        let typo = try RunbookBinary.run(["plan", "--chapter", "02-lnks"] + common)
        XCTAssertEqual(typo.status, 1, typo.all)
        XCTAssertTrue(typo.stderr.contains("--chapter 02-lnks: error: no chapter named '02-lnks'"), typo.stderr)
    }
}
