import RunbookRender
import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookMarkdown
import RunbookHost

/// What one command accepts: its flags and its positional words, with the words that explain it.
/// The parser refuses everything else, so a mistyped command line can never fall through to a
/// default that converges `/`; `--help`, the man page and the completion scripts are rendered from
/// the same declarations, so they cannot disagree with the parser.
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
        /// `completions SHELL`, unless `--list` asks for names instead.
        case shellName

        /// How usage lines write the words.
        package var usage: String? {
            switch self {
            case .none: nil
            case .optionalSnapshotID: "[SNAPSHOT]"
            case .optionalShowID: "[show ID]"
            case .optionalCommandName: "[COMMAND]"
            case .optionalPlanFile: "[PLANFILE]"
            case .planFile: "PLANFILE"
            case .shellName: "bash|zsh|fish"
            }
        }

        /// What completes the first, second, … positional word.
        package var completions: [ValueCompletion] {
            switch self {
            case .none: []
            case .optionalSnapshotID: [.listed(.snapshots)]
            case .optionalShowID: [.words(["show"]), .listed(.snapshots)]
            case .optionalCommandName: [.words(CommandDeclaration.shown.map(\.name))]
            case .optionalPlanFile, .planFile: [.files]
            case .shellName: [.words(CompletionShell.allCases.map(\.rawValue))]
            }
        }
    }

    package let name: String
    /// One line, for the command list and completion menus.
    package let summary: String
    /// The flags it takes, in the order its usage lists them.
    package let flagDeclarations: [FlagDeclaration]
    package let positional: Positional
    /// What `runbook help NAME` and the man page say after the usage.
    package let details: String
    /// Left out of `runbook --help`, the man page and the completions, though the parser knows it
    /// and `runbook help NAME` explains it: `agent`, which only `--host` runs, on the server.
    package var hidden = false

    package var flags: Set<String> { Set(flagDeclarations.map(\.name)) }

    package static let runbookInput: [FlagDeclaration] = [.runbook, .variable, .varsFile]
    package static let target: [FlagDeclaration] = [.root, .stateDirectory]
    package static let output: [FlagDeclaration] = [.json, .color, .noColor]
    package static let selection: [FlagDeclaration] = [.chapter, .only]
    /// Where the command is carried out when not here: other servers, over ssh.
    package static let remote: [FlagDeclaration] = [.host, .inventory, .limit, .parallel, .become]

    package static let all: [CommandDeclaration] = [
        check, plan, apply, show, rollback, snapshots, vars, completions, help, agent,
    ]

    /// The commands help, the man page and the completion scripts list: all but the hidden.
    package static var shown: [CommandDeclaration] { all.filter { !$0.hidden } }

    package static func named(_ name: String) -> CommandDeclaration? { all.first { $0.name == name } }

    package static var names: Set<String> { Set(all.map(\.name)) }

    /// Every flag the parser knows, with whether it takes a value.
    package static var knownFlags: [String: Bool] {
        Dictionary(uniqueKeysWithValues: FlagDeclaration.all.map { ($0.name, $0.value != nil) })
    }

    /// The flags that may be given more than once; any other given twice is ambiguous.
    package static var repeatableFlags: Set<String> { Set(FlagDeclaration.all.filter(\.repeatable).map(\.name)) }

    /// Flags every command takes, even `help`.
    package static let universalFlags: Set<String> = ["-h", "--help", "--version"]
}

extension CommandDeclaration {
    package static let check = CommandDeclaration(
        name: "check", summary: "Parse and validate the runbook; never touches the target",
        flagDeclarations: runbookInput + target + output, positional: .none, details: """
        Parses every chapter and validates it: unknown kinds or attributes, missing variables,
        two steps writing one path differently, notify of an unknown handler, and shown commands
        (ln, rm, apt install) that disagree with their step. Every problem is printed as
        FILE:LINE:COL: error: MESSAGE (HINT). Exits 0 when there are none, 1 otherwise.
        """)

    package static let plan = CommandDeclaration(
        name: "plan", summary: "Show what apply would change, with diffs (read-only)",
        flagDeclarations: selection + runbookInput + target + output + [.html, .out] + remote, positional: .none, details: """
        Read-only. First the variables in effect and where each comes from (secrets masked), then
        for every step, grouped by chapter: a unified diff for files; mode, owner and link
        changes; packages to install; the whole script of every run with the guard's verdict;
        handlers that would fire and checks that will run, with their whole scripts. A step that
        relies on an earlier pending change says so. Each line has one mark: + create, ~ update,
        - delete, > run a script, ! handler fires, ? check runs, · unchanged or skipped; the
        counts at the end count them. Exits 0 when nothing would change, 2 when changes are
        pending, 1 on error. --json prints the same plan as versioned JSON (docs/PLAN-JSON.md).
        --chapter and --only limit it as they limit apply.
        --out FILE saves the plan with what it was computed from: the runbook's chapter hashes,
        the variables, the target's identity and every path's observed state.
        `runbook apply FILE` carries it out; `runbook show FILE` renders it.
        A file whose content holds a secret is never diffed: the plan says how many lines change
        and the content's sha256 before and after.
        --host HOST plans on that server over ssh; the plan reads as one made there, but for its
        first line, which names the host. Several --host, or --inventory FILE (narrowed by
        --limit), plan on each at once, --parallel at a time: hosts whose plans are the same read
        as one plan under their names. Exits 69 when a host cannot be reached and none had an
        error. --out FILE then saves each host's own plan, made there, in one file.
        """)

    package static let apply = CommandDeclaration(
        name: "apply", summary: "Converge the target, recording a snapshot of every change",
        flagDeclarations: [.step, .atomic] + selection + runbookInput + target + output + remote + [.serial, .maxFail, .skipStale],
        positional: .optionalPlanFile,
        details: """
        Takes the state directory lock, then runs the chapters in order. Every path is recorded in
        a new snapshot before it changes; files are written atomically. Handlers run once at the
        end of a chapter, checks after them. A chapter is the unit of failure: on a failure the
        apply restores what the failing chapter changed, reruns the handlers it ran, exits 1
        naming the step's file:line, and keeps the chapters before it, which converged and passed
        their checks. `runbook rollback` still returns to the state from before the whole apply.

        With PLANFILE, saved by `runbook plan --out PLANFILE`, it carries out that plan exactly:
        the same chapters and steps, the same variables (a secret given then must be given
        again), so it takes no --step, --chapter or --only. First, under the lock, it plans again
        on the target and compares; if anything differs (a path's content, mode, owner or link,
        a package, a guard's verdict, a chapter file, a variable, the target, or the plan was
        applied already) it names each stale item, changes nothing and exits 3. Each step is
        checked again as it runs. The plan's id is kept in the snapshot.

        An apply that succeeds keeps the values given to it with --var and --vars-file, and later
        plans and applies reuse them (`runbook vars` lists them). On a live host it refuses to run
        (exit 1) while a variable is still its declaration's example= value, like domain; under
        --root the example works.

        On a terminal, a step that runs longer than a second shows a live line: what it does, for
        how long, and a check's attempt. Elsewhere each step prints a line when it starts and one
        when it ends, with its duration. The summary gives the total time and the three slowest
        steps. --json prints every event as it happens, one JSON document a line (NDJSON), and the
        apply document last.

        --host HOST applies on that server over ssh, as plan --host plans there: the server's
        lock, snapshots and kept values, the exit codes of a local apply. The apply runs there
        detached from the ssh session: if the connection drops it finishes (or restores), and the
        next command against that host says how it ended. It takes no --step.
        Several --host, or --inventory FILE: each host's lines come prefixed with its name, and
        one table ends it. --serial 1,25%,100% applies in batches, a batch only after the one
        before it had at most --max-fail failures. Exit 1 when a host failed, 69 when one could
        not be reached (or its connection dropped) and none failed, 75 when one was locked.
        PLANFILE saved by plan --out with --host or --inventory applies each host's part on
        that host, once every part still holds; --skip-stale applies the parts that do.
        """)

    package static let show = CommandDeclaration(
        name: "show", summary: "Render a saved plan as text, JSON or a review page (reads no target)",
        flagDeclarations: output + [.html], positional: .planFile, details: """
        Renders a saved plan as the plan command would have: text, --json (docs/PLAN-JSON.md), or
        the review page with --html FILE. It reads only the file: never the target or its state.
        Exits 2 when the plan has changes, 0 when it has none.
        """)

    package static let rollback = CommandDeclaration(
        name: "rollback", summary: "Restore the state from before the last apply, or before SNAPSHOT",
        flagDeclarations: [.force] + runbookInput + target + output + remote, positional: .optionalSnapshotID, details: """
        Restores every path the last apply changed (or SNAPSHOT and every one after it) exactly:
        content, mode, owner, link target or absence, then reruns the affected handlers. If a
        managed file was changed since, it shows the drift and refuses, unless --force; the
        rollback is itself a snapshot and can be rolled back. Packages stay installed. Nothing is
        changed unless every recorded content it needs is in the state directory, intact. A
        rollback that was killed or failed midway is finished by the next one; until then apply
        refuses to run. --json prints what it did (or why not) as one document (docs/JSON.md),
        and the progress on stderr.
        """)

    package static let snapshots = CommandDeclaration(
        name: "snapshots", summary: "List snapshots, or show what one recorded (secrets masked)",
        flagDeclarations: target + output + remote, positional: .optionalShowID, details: """
        Lists snapshots: id, time, kind, outcome, paths changed and chapters. `show ID` prints what
        one recorded: every path with its state before and after. Secret values are never shown.
        """)

    package static let vars = CommandDeclaration(
        name: "vars", summary: "List every variable: its value, where it comes from, what it may be",
        flagDeclarations: [.forget] + runbookInput + target + output + remote, positional: .none, details: """
        Lists every variable the runbook declares: the value a plan or apply would use now
        (secrets masked), where it comes from, its description and what it may be. Values come,
        strongest first, from --var, --vars-file, the values given to an earlier apply (kept in
        the state directory's `variables` file, mode 0600), a generated secret, the default. A
        value given now replaces a kept one, and the plan says so; only an apply that succeeds
        keeps values. Exits 0, or 1 when the runbook, a value or the state directory has a
        problem.
          runbook apply --var domain=api.example.com      # kept: later applies reuse it
          runbook vars                                    # domain  api.example.com  (kept from apply 1)
          runbook vars --forget domain                    # back to the default
        """)

    package static let completions = CommandDeclaration(
        name: "completions", summary: "Print the completion script for bash, zsh or fish",
        flagDeclarations: [.list] + runbookInput.filter { $0.name != FlagDeclaration.variable.name } + target,
        positional: .shellName, details: """
        The script completes commands, flags, chapter names, step ids, snapshot ids and variable
        names. For the names only the runbook knows it runs `runbook completions --list WHAT`
        with the --runbook, --vars-file, --root and --state-dir already on the line, which prints
        them one per line, a tab, and a description; it never passes a --var on, which may hold
        a secret. Install it with one of
          runbook completions bash > /etc/bash_completion.d/runbook
          runbook completions zsh > "${fpath[1]}/_runbook"
          runbook completions fish > ~/.config/fish/completions/runbook.fish
        """)

    package static let help = CommandDeclaration(
        name: "help", summary: "This help, help for one command, or the man page with --man",
        flagDeclarations: [.manual], positional: .optionalCommandName, details: """
        `runbook help COMMAND` is what `runbook COMMAND --help` prints. `runbook help --man`
        prints the manual page, roff, generated from the same declarations as this help:
          runbook help --man > /usr/local/share/man/man1/runbook.1
        """)

    // Reads its request on standard input, never from its command line: values may be secrets.
    package static let agent = CommandDeclaration(
        name: "agent", summary: "The server's side of plan --host and apply --host",
        flagDeclarations: [], positional: .none, details: """
        What `plan --host` and `apply --host` run on the server: it reads one request on standard
        input and answers in NDJSON on standard output (docs/REMOTE.md). Not meant to be run by
        hand; a request it cannot read, and any word on its command line, is refused with exit 64.
        """, hidden: true)
}
