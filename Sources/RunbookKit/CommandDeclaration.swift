import RunbookRemote
import RunbookRender
import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookMarkdown
import RunbookHost

/// What one command accepts: its flags and its positional words. The parser refuses everything
/// else, so a mistyped command line can never fall through to a default that converges `/`.
///
/// `runbook apply /tmp/sandbox` (meant as `--root /tmp/sandbox`) is refused, because apply takes
/// no positional word; `runbook plan --force` is refused, because plan has no --force.
package struct CommandDeclaration: Sendable {
    package enum Positional: Sendable {
        case none
        /// `rollback [SNAPSHOT]`: at most one snapshot id.
        case optionalSnapshotID
        /// `snapshots [show ID]`.
        case optionalShowID
        /// `help [COMMAND]`.
        case optionalCommandName
        /// `apply [PLANFILE]`.
        case optionalPlanFile
        /// `show PLANFILE`.
        case planFile
    }

    package let name: String
    package let flags: Set<String>
    package let positional: Positional
    /// Left out of `runbook help`'s list: `agent`, which only `--host` runs, on the server.
    package var hidden = false

    package static let runbookInput: Set<String> = ["--runbook", "--var", "--vars-file"]
    package static let target: Set<String> = ["--root", "--state-dir"]
    package static let output: Set<String> = ["--json", "--no-color"]
    package static let selection: Set<String> = ["--chapter", "--only"]

    package static let all: [CommandDeclaration] = [
        CommandDeclaration(name: "check", flags: runbookInput.union(target).union(output), positional: .none),
        CommandDeclaration(name: "plan", flags: runbookInput.union(target).union(output).union(selection).union(["--html", "--out", "--host"]),
                           positional: .none),
        CommandDeclaration(name: "apply", flags: runbookInput.union(target).union(output).union(selection).union(["--step", "--atomic", "--host"]),
                           positional: .optionalPlanFile),
        CommandDeclaration(name: "show", flags: output.union(["--html"]), positional: .planFile),
        CommandDeclaration(name: "rollback", flags: runbookInput.union(target).union(output).union(["--force"]),
                           positional: .optionalSnapshotID),
        CommandDeclaration(name: "snapshots", flags: target.union(output), positional: .optionalShowID),
        CommandDeclaration(name: "help", flags: [], positional: .optionalCommandName),
        // Reads its request on standard input, never from its command line: values may be secrets.
        CommandDeclaration(name: "agent", flags: [], positional: .none, hidden: true),
    ]

    package static func named(_ name: String) -> CommandDeclaration? { all.first { $0.name == name } }

    package static var names: Set<String> { Set(all.map(\.name)) }

    /// Every flag the parser knows, with whether it takes a value.
    package static let knownFlags: [String: Bool] = [
        "--runbook": true, "--root": true, "--state-dir": true, "--var": true, "--vars-file": true, "--chapter": true,
        "--only": true, "--html": true, "--out": true, "--json": false, "--no-color": false, "--step": false, "--atomic": false,
        "--force": false, "--host": true,
    ]

    /// The flags that may be given more than once; any other given twice is ambiguous.
    package static let repeatableFlags: Set<String> = ["--var", "--vars-file", "--chapter", "--only"]

    /// Flags every command takes, even `help`.
    package static let universalFlags: Set<String> = ["-h", "--help", "--version"]
}
