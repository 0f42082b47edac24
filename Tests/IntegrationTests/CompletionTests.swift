import Foundation
import XCTest

/// The completion scripts, run by the real shells the way a person's Tab runs them, and the man
/// page, rendered by groff: both made by the built binary from the declarations `--help` is made of.
final class CompletionTests: XCTestCase {
    let runbook = RunbookBinary.fixtures.appendingPathComponent("runbooks/basic").path

    /// The shells find `runbook` on PATH, as they would after an install.
    var environment: [String: String] {
        ["PATH": RunbookBinary.productsDirectory.path + ":/usr/bin:/bin", "HOME": NSTemporaryDirectory()]
    }

    /// What bash offers for the last of `words`: `_runbook` called as `complete -F` calls it.
    func bash(_ words: [String]) throws -> [String] {
        let line = (["runbook"] + words).map(Self.quoted).joined(separator: " ")
        let script = "source <(runbook completions bash) || exit 9; COMP_WORDS=(\(line)); COMP_CWORD=\(words.count); _runbook; "
            + #"printf '%s\n' "${COMPREPLY[@]}""#
        let result = try run("/bin/bash", ["-c", script], needs: "bash")
        XCTAssertEqual(result.status, 0, result.all)
        XCTAssertEqual(result.stderr, "", "completing printed to the terminal")
        return result.stdout.split(separator: "\n").map(String.init)
    }

    /// What fish offers for `line`, by `complete -C`, which completes as Tab does.
    func fish(_ line: String) throws -> [String] {
        let result = try run("/usr/bin/fish", ["--no-config", "-c", "runbook completions fish | source; complete -C \(Self.quoted(line))"],
                             needs: "fish")
        XCTAssertEqual(result.status, 0, result.all)
        XCTAssertEqual(result.stderr, "", "completing printed to the terminal")
        return result.stdout.split(separator: "\n").map { String($0.split(separator: "\t", omittingEmptySubsequences: false)[0]) }
    }

    func run(_ shell: String, _ arguments: [String], needs package: String) throws -> Subprocess.Result {
        guard FileManager.default.isExecutableFile(atPath: shell) else {
            throw MissingTool(description: "\(shell) is missing: install it with `apt-get install -y \(package)`")
        }
        return try Subprocess.run(shell, arguments, environment: environment)
    }

    struct MissingTool: Error, CustomStringConvertible { var description: String }

    static func quoted(_ word: String) -> String { "'" + word.replacingOccurrences(of: "'", with: #"'\''"#) + "'" }

    func testBashCompletesCommandsFlagsAndTheirValues() throws {
        XCTAssertEqual(try bash(["pl"]), ["plan"])
        XCTAssertEqual(try bash(["co"]), ["completions"])
        XCTAssertEqual(try bash(["plan", "--ro"]), ["--root"])
        XCTAssertEqual(Set(try bash(["rollback", "--f"])), ["--force"])
        XCTAssertEqual(try bash(["plan", "--f"]), [], "plan takes no --force")
        XCTAssertEqual(try bash(["--ro"]), ["--root"], "a flag before the command")
        XCTAssertEqual(try bash(["plan", "--color", ""]), ["auto", "always", "never"])
        XCTAssertEqual(try bash(["plan", "--color", "=", "al"]), ["always"], "bash splits --color=al at the =")
        XCTAssertEqual(try bash(["help", "sn"]), ["snapshots"])
        XCTAssertEqual(try bash(["completions", ""]), ["bash", "zsh", "fish"])
        XCTAssertEqual(try bash(["completions", "--list", "s"]), ["steps", "snapshots"])
        XCTAssertEqual(try bash(["snapshots", ""]), ["show"])
    }

    func testBashCompletesTheRunbooksChaptersStepsAndVariables() throws {
        XCTAssertEqual(try bash(["plan", "--runbook", runbook, "--chapter", ""]), ["01-configure", "02-links", "03-system"])
        XCTAssertEqual(try bash(["apply", "--runbook", "=", runbook, "--only", "01-"]), ["01-configure/1", "01-configure/2", "01-configure/3"],
                       "the handler 01-configure/5 and the check 01-configure/6 are not offered: --only refuses them")
        XCTAssertEqual(try bash(["apply", "--runbook=\(runbook)", "--only", "02-links/"]), ["02-links/1", "02-links/2", "02-links/3"],
                       "with = out of COMP_WORDBREAKS")
        XCTAssertEqual(try bash(["plan", "--runbook", runbook, "--var", "con"]), ["config_dir="])
        XCTAssertEqual(try bash(["plan", "--runbook", "/nonexistent", "--chapter", ""]), [], "no runbook, nothing offered, nothing printed")
    }

    func testBashCompletesSnapshotIdsOfTheTargetOnTheLine() throws {
        let base = try makeTemporaryDirectory(self, "completion-snapshots")
        let target = ["--runbook", runbook, "--root", base.path, "--state-dir", base.appendingPathComponent("state").path]
        let applied = try RunbookBinary.run(["apply"] + target)
        XCTAssertEqual(applied.status, 0, applied.all)
        XCTAssertEqual(try bash(["rollback"] + target + [""]), ["1"])
        XCTAssertEqual(try bash(["snapshots"] + target + ["show", ""]), ["1"])
        let listed = try RunbookBinary.run(["completions", "--list", "snapshots"] + target)
        XCTAssertEqual(listed.status, 0, listed.all)
        XCTAssertTrue(listed.stdout.hasPrefix("1\tapply, succeeded, "), listed.stdout)
    }

    func testTheListingsNameWhatTheSelectionFlagsTake() throws {
        let steps = try RunbookBinary.run(["completions", "--list", "steps", "--runbook", runbook])
        XCTAssertEqual(steps.status, 0, steps.all)
        XCTAssertTrue(steps.stdout.hasPrefix("01-configure/1\tfile /etc/demo/app.conf\n"), steps.stdout)
        let ids = steps.stdout.split(separator: "\n").map { String($0.split(separator: "\t")[0]) }
        for id in ids {
            let planned = try RunbookBinary.run(["plan", "--only", id, "--runbook", runbook, "--root", try makeTemporaryDirectory(self).path])
            XCTAssertNotEqual(planned.status, 64, "--only refuses \(id), which completion offers: \(planned.stderr)")
        }
        let variables = try RunbookBinary.run(["completions", "--list", "variables", "--runbook", runbook])
        XCTAssertEqual(variables.stdout.split(separator: "\n").map { String($0.split(separator: "\t")[0]) },
                       ["app_name", "port", "mode", "secret", "config_dir"])
        XCTAssertFalse(variables.stdout.contains("\u{1B}"))
    }

    func testZshScriptIsValidZsh() throws {
        let file = try makeTemporaryDirectory(self, "zsh").appendingPathComponent("_runbook")
        let script = try RunbookBinary.run(["completions", "zsh"])
        XCTAssertEqual(script.status, 0, script.all)
        try write(script.stdout, to: file)
        let checked = try run("/usr/bin/zsh", ["-n", file.path], needs: "zsh")
        XCTAssertEqual(checked.status, 0, checked.all)
        XCTAssertTrue(script.stdout.hasPrefix("#compdef runbook\n"))
        // Sourced into an interactive shell with compinit, it registers itself for runbook.
        let loaded = try run("/usr/bin/zsh", ["-f", "-c", "autoload -U compinit && compinit -u -d \(file.path).dump && source \(file.path) "
                                              + "&& print -r -- $_comps[runbook]"], needs: "zsh")
        XCTAssertEqual(loaded.stdout, "_runbook\n", loaded.all)
    }

    /// zsh completes only inside its line editor, so each line is typed, with a Tab, into an
    /// interactive zsh on a pseudo-terminal (zpty), and a key bound to a widget writes the edited
    /// line to a file.
    func testZshCompletesCommandsFlagsAndTheRunbooksNames() throws {
        let directory = try makeTemporaryDirectory(self, "zsh-complete")
        try write(try RunbookBinary.run(["completions", "zsh"]).stdout, to: directory.appendingPathComponent("_runbook"))
        let cases = [
            ("runbook pl", "runbook plan "),
            ("runbook plan --colo", "runbook plan --color="),
            ("runbook plan --color=al", "runbook plan --color=always "),
            ("runbook plan --runbook \(runbook) --chapter 02", "runbook plan --runbook \(runbook) --chapter 02-links "),
            ("runbook apply --runbook \(runbook) --only 03", "runbook apply --runbook \(runbook) --only 03-system/"),
            ("runbook apply --runbook \(runbook) --var con", "runbook apply --runbook \(runbook) --var config_dir="),
        ]
        let driver = """
        zmodload zsh/zpty
        for line in "$@"; do
          rm -f \(directory.path)/buffer
          zpty z 'zsh -f -i'
          zpty -w z 'fpath=(\(directory.path) $fpath); autoload -U compinit; compinit -u -d \(directory.path)/dump; show() { print -r -- "$BUFFER" > \(directory.path)/buffer }; zle -N show; bindkey "^T" show'
          sleep 0.5
          zpty -n -w z "$line"$'\\t'
          sleep 1.5
          zpty -n -w z $'\\C-t'
          for i in {1..40}; do [[ -e \(directory.path)/buffer ]] && break; sleep 0.1; done
          print -r -- "$(<\(directory.path)/buffer)"
          zpty -d z
        done
        """
        let result = try run("/usr/bin/zsh", ["-f", "-c", driver, "zsh"] + cases.map(\.0), needs: "zsh")
        XCTAssertEqual(result.stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init), cases.map(\.1),
                       result.all)
    }

    func testFishCompletesCommandsFlagsAndTheRunbooksNames() throws {
        XCTAssertEqual(try fish("runbook pl"), ["plan"])
        XCTAssertEqual(try fish("runbook plan --ro"), ["--root"])
        XCTAssertEqual(try fish("runbook plan --color="), ["--color=always", "--color=auto", "--color=never"])
        XCTAssertEqual(try fish("runbook plan --runbook \(runbook) --chapter 0"), ["01-configure", "02-links", "03-system"])
        XCTAssertEqual(try fish("runbook plan --runbook \(runbook) --only 01-"), ["01-configure/1", "01-configure/2", "01-configure/3"])
        XCTAssertEqual(try fish("runbook plan --runbook \(runbook) --var con"), ["config_dir="])
        XCTAssertEqual(try fish("runbook help ch"), ["check"])
        XCTAssertEqual(try fish("runbook completions "), ["bash", "fish", "zsh"])
    }

    func testTheCommittedManPageIsTheOneHelpManPrintsAndGroffReadsItCleanly() throws {
        let printed = try RunbookBinary.run(["help", "--man"])
        XCTAssertEqual(printed.status, 0, printed.all)
        let committed = try String(contentsOf: RunbookBinary.packageRoot.appendingPathComponent("docs/runbook.1"), encoding: .utf8)
        XCTAssertEqual(printed.stdout, committed, "docs/runbook.1 is stale: runbook help --man > docs/runbook.1")
        let rendered = try run("/usr/bin/groff", ["-man", "-Tutf8", "-ww", "-z", RunbookBinary.packageRoot.appendingPathComponent("docs/runbook.1").path],
                               needs: "groff-base")
        XCTAssertEqual(rendered.status, 0, rendered.all)
        XCTAssertEqual(rendered.stderr, "", "groff warns about the man page")
        let text = try run("/usr/bin/man", ["-l", "-P", "cat", RunbookBinary.packageRoot.appendingPathComponent("docs/runbook.1").path], needs: "man-db")
        for word in ["runbook completions bash > /etc/bash_completion.d/runbook", "--only ID", "EXIT STATUS", "NO_COLOR"] {
            XCTAssertTrue(text.stdout.contains(word), "the rendered man page lacks \(word):\n\(text.stdout)")
        }
    }
}
