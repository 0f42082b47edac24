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
        WrongLine(arguments: ["help", "plan", "--man"], says: "help --man prints the whole manual, so it takes no command name like 'plan'"),
        WrongLine(arguments: ["help", "--json"], says: "help does not take --json"),
        WrongLine(arguments: ["completions"], says: "completions takes one shell: bash, zsh or fish"),
        WrongLine(arguments: ["completions", "tcsh"], says: "completions takes bash, zsh or fish, not 'tcsh'"),
        WrongLine(arguments: ["completions", "bas"], says: "completions takes bash, zsh or fish, not 'bas' (did you mean 'bash'?)"),
        WrongLine(arguments: ["completions", "bash", "zsh"], says: "completions takes one shell"),
        WrongLine(arguments: ["completions", "bash", "--list", "steps"], says: "completions --list prints names, so it takes no shell like 'bash'"),
        WrongLine(arguments: ["completions", "--list", "stpes"], says: "--list takes chapters, steps, snapshots or variables, not 'stpes' (did you mean 'steps'?)"),
        WrongLine(arguments: ["completions", "--list"], says: "--list needs a value"),
        WrongLine(arguments: ["completions", "--list", "steps", "--var", "domain=x"], says: "completions does not take --var"),
        WrongLine(arguments: ["plan", "--color=sometimes"], says: "--color takes auto, always or never, not 'sometimes'"),
        WrongLine(arguments: ["plan", "--color", "alwys"], says: "(did you mean 'always'?)"),
        WrongLine(arguments: ["plan", "--no-color", "--color=always"], says: "--color and --no-color are given together"),
        WrongLine(arguments: ["plan", "--color=never", "--color=never"], says: "--color is given twice"),
        WrongLine(arguments: ["plan", "--no-color=yes"], says: "--no-color takes no value"),
        WrongLine(arguments: ["plan", "--host", "-oProxyCommand=touch /tmp/owned"], says: "--host has an empty or unusable host name"),
        WrongLine(arguments: ["plan", "--host", "web-1:99999"], says: "--host has a port that is not a number from 1 to 65535"),
        WrongLine(arguments: ["plan", "--host", "web 1"], says: "--host has an empty or unusable host name"),
        WrongLine(arguments: ["apply", "--host", "web-1", "--step"], says: "--host web-1 does not take --step"),
        WrongLine(arguments: ["apply", "--skip-stale"], says: "--skip-stale is for apply FILE of a plan made with --host or --inventory"),
        WrongLine(arguments: ["plan", "--inventory", "hosts.ini", "--html", "p.html"], says: "--inventory hosts.ini does not take --html"),
        WrongLine(arguments: ["apply", "--serial", "1,100%"], says: "--serial chooses among servers, and no --host or --inventory names any"),
        WrongLine(arguments: ["plan", "--host", "web-1", "--serial", "1"], says: "plan does not take --serial"),
        WrongLine(arguments: ["apply", "--host", "web-1", "--serial", "0"], says: "--serial takes a number of hosts or a percentage, not '0'"),
        WrongLine(arguments: ["apply", "--host", "web-1", "--max-fail", "ten"], says: "--max-fail takes a number of hosts or a percentage"),
        WrongLine(arguments: ["plan", "--host", "web-1", "--parallel", "0"], says: "--parallel takes a number of hosts from 1 to 1000"),
        WrongLine(arguments: ["plan", "--host", "web-1", "--limit", "a,,b"], says: "--limit has an empty name"),
        WrongLine(arguments: ["vars", "--become"], says: "--become chooses among servers"),
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
        XCTAssertFalse(only.stdout.contains("Enable the site"), "--only printed the header of a chapter it left out:\n\(only.stdout)")
        XCTAssertFalse(only.stdout.contains("System pieces"), "--only printed the header of a chapter it left out:\n\(only.stdout)")
    }

    struct WrongSelection {
        var arguments: [String]
        var says: String
    }

    /// A selection is checked against the runbook: one that names what it does not have, or what
    /// --only cannot run alone, or that leaves nothing to do, is a wrong command line, not a plan
    /// of nothing that exits 0.
    static let wrongSelections: [WrongSelection] = [
        WrongSelection(arguments: ["plan", "--chapter", "02-lnks"], says: "--chapter 02-lnks: error: no chapter named '02-lnks' (chapters are 01-configure, 02-links, 03-system)"),
        WrongSelection(arguments: ["apply", "--only", "09-nothing/1"], says: "--only 09-nothing/1: error: no active step with id '09-nothing/1'"),
        WrongSelection(arguments: ["plan", "--only", "01-configure/4"], says: "--only 01-configure/4: error: no active step with id '01-configure/4'"),
        WrongSelection(arguments: ["plan", "--only", "01-configure/5"],
                       says: "--only 01-configure/5: error: '01-configure/5' is the handler restart-app, which fires only when a step that notifies it changes something (select a step that notifies it: --only 01-configure/1, --only 01-configure/2, --only 02-links/1, --only 03-system/2)"),
        WrongSelection(arguments: ["apply", "--only", "01-configure/6"],
                       says: "--only 01-configure/6: error: '01-configure/6' is a check, which runs after the steps and handlers of its chapter (--chapter 01-configure runs the chapter with its checks)"),
        WrongSelection(arguments: ["plan", "--chapter", "01-configure", "--only", "02-links/1"],
                       says: "--chapter 01-configure --only 02-links/1: error: the selection has no step in it, so there would be nothing to plan or apply"),
    ]

    func testASelectionTheRunbookCannotSatisfyExits64AndChangesNothing() throws {
        let base = try makeTemporaryDirectory(self, "wrong-selection")
        let root = base.appendingPathComponent("root")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let common = ["--runbook", runbook, "--root", root.path, "--state-dir", base.appendingPathComponent("state").path]
        let before = try TreeManifest(base)
        for selection in Self.wrongSelections {
            let result = try RunbookBinary.run(selection.arguments + common)
            XCTAssertEqual(result.status, 64, "\(selection.arguments): \(result.all)")
            XCTAssertTrue(result.stderr.contains(selection.says), "\(selection.arguments) should say \(selection.says):\n\(result.stderr)")
            XCTAssertTrue(result.stderr.contains("1 error; nothing was changed."), result.stderr)
            XCTAssertEqual(result.stdout, "")
            let json = try RunbookBinary.run(selection.arguments + common + ["--json"])
            XCTAssertEqual(json.status, 64, json.all)
            // apply streams its documents a line each, the others print one pretty: the same keys either way.
            XCTAssertTrue(json.stdout.replacingOccurrences(of: " ", with: "").contains("\"kind\":\"errors\""),
                          "--json prints the errors document:\n\(json.stdout)")
        }
        XCTAssertEqual(try TreeManifest(base), before, "a wrong selection changed something")
    }
}
