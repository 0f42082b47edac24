import RunbookRender
import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookMarkdown
import RunbookHost

/// `runbook --help`: enough to use the tool without the README.
package enum HelpText {
    package static let general = """
    runbook: literate executable runbooks. A runbook is a folder of Markdown chapters; code blocks
    marked as steps become idempotent tasks that plan, apply and roll back.

    USAGE
      runbook <command> [options]

    COMMANDS
      check                 Parse and validate the runbook; never touches the target.
      plan                  Show what apply would change, with diffs (read-only).
      apply [PLANFILE]      Converge the target, recording a snapshot of every change; with
                            PLANFILE (from plan --out), carry out exactly that reviewed plan.
      show PLANFILE         Render a saved plan as text, --json or --html FILE (reads no target).
      rollback [SNAPSHOT]   Restore the state from before the last apply, or before SNAPSHOT.
      snapshots [show ID]   List snapshots, or show what one recorded (secrets masked).

    OPTIONS (each command takes the ones its own help lists; any other word is refused, exit 64)
      --runbook DIR         The runbook folder (default: ./Runbook)
      --root DIR            Treat DIR as /: files land under it; packages, commands,
                            handlers and checks are skipped. Safe without root.
      --state-dir DIR       Snapshots, lock and generated secrets (default /var/lib/runbook,
                            or ROOT/var/lib/runbook with --root). It must be runbook's own:
                            a link, another user's, or one holding other files is refused
      --var NAME=VALUE      Set a variable (repeatable; wins over --vars-file). A secret given
                            here is never printed, but other users of this machine may see
                            this command line in ps: prefer --vars-file for secrets
      --vars-file FILE      NAME=VALUE lines, # comments
      --host [USER@]NAME[:PORT]  plan and apply: on that server, over the system's ssh
                            (docs/REMOTE.md); --root and --state-dir are then the server's
      --json                One versioned JSON document on stdout, also on errors (docs/JSON.md)
      --no-color            No colour (also when NO_COLOR is set or output is not a terminal)
      -h, --help            This help; `runbook help COMMAND` for one command
      --version             Print the version

    EXIT CODES
      0  success (plan: nothing to change)     2  plan: changes pending
      1  error, failed step, drift or problems  3  apply PLANFILE: the plan is stale or was
      64 wrong command line                        applied already; nothing was changed
      75 another runbook holds the lock

    EXAMPLES
      runbook check
      runbook plan --root /tmp/sandbox              # every file the runbook writes, no root needed
      runbook apply --root /tmp/sandbox && runbook rollback --root /tmp/sandbox
      sudo runbook plan --out reviewed.plan && sudo runbook apply reviewed.plan
      sudo runbook plan --var domain=inference.example.com
      sudo runbook apply --step                     # follow the article step by step

    The format is documented in docs/FORMAT.md.
    """

    package static let commands: [String: String] = [
        "check": """
        runbook check [--runbook DIR] [--var NAME=VALUE] [--vars-file FILE] [--root DIR]
                      [--state-dir DIR] [--json] [--no-color]

        Parses every chapter and validates it: unknown kinds or attributes, missing variables,
        two steps writing one path differently, notify of an unknown handler, and shown commands
        (ln, rm, apt install) that disagree with their step. Every problem is printed as
        FILE:LINE:COL: error: MESSAGE (HINT). Exits 0 when there are none, 1 otherwise.
        """,
        "plan": """
        runbook plan [--chapter NAME] [--only ID] [--runbook DIR] [--var NAME=VALUE]
                     [--vars-file FILE] [--root DIR] [--state-dir DIR] [--json] [--html FILE]
                     [--out FILE] [--host [USER@]NAME[:PORT]] [--no-color]

        Read-only. First the variables in effect and where each comes from (secrets masked), then
        for every step, grouped by chapter: a unified diff for files; mode, owner and link
        changes; packages to install; the whole script of every run with the guard's verdict;
        handlers that would fire and checks that will run, with their whole scripts. A step that
        relies on an earlier pending change says so. Each line has one mark: + create, ~ update,
        - delete, > run a script, ! handler fires, ? check runs, · unchanged or skipped; the
        counts at the end count them. Exits 0 when nothing would change, 2 when changes are
        pending, 1 on error. --json prints the same plan as versioned JSON (docs/PLAN-JSON.md).
        --html FILE also writes it as one self-contained review page (no scripts, no external
        files) to attach to a change request; secrets are masked there too.
        --chapter and --only limit it as they limit apply.
        --out FILE saves the plan (mode 0600, no secret in it: secrets only as salted hashes) with
        what it was computed from: the runbook's chapter hashes, the variables, the target's
        identity and every path's observed state. `runbook apply FILE` carries it out;
        `runbook show FILE` renders it.
        --host [USER@]NAME[:PORT] plans on that server over the system's ssh (your ~/.ssh/config
        applies; BatchMode, so a key must work without a prompt): the first run sends this runbook
        binary there, by its sha256, under the state directory's bin/; the folder and the values
        go on ssh's standard input, never on a command line. --root and --state-dir are the
        server's. The plan reads as a local one does.
        A file whose content holds a secret is never diffed: the plan says how many lines change
        and the content's sha256 before and after.
        """,
        "apply": """
        runbook apply [--step] [--atomic] [--chapter NAME] [--only ID] [--runbook DIR]
                      [--var NAME=VALUE] [--vars-file FILE] [--root DIR] [--state-dir DIR]
                      [--host [USER@]NAME[:PORT]] [--json] [--no-color]

        Takes the state directory lock, then runs the chapters in order. Every path is recorded in
        a new snapshot before it changes; files are written atomically. Handlers run once at the
        end of a chapter, checks after them. A chapter is the unit of failure: on a failure the
        apply restores what the failing chapter changed, reruns the handlers it ran, exits 1
        naming the step's file:line, and keeps the chapters before it, which converged and passed
        their checks. `runbook rollback` still returns to the state from before the whole apply.

          --step          ask before each step, showing its heading and plan
          --atomic        on a failure, restore everything this apply changed, every chapter
          --chapter NAME  only this chapter (file name, with or without .md, or title); repeatable
          --only ID       only this step id, like 02-nginx/3; repeatable
          --host HOST     apply on that server over ssh, as plan --host does (not with --step)

        runbook apply PLANFILE [--atomic] [--runbook DIR] [--var NAME=VALUE] [--vars-file FILE]
                               [--root DIR] [--state-dir DIR] [--json] [--no-color]

        Carries out a plan saved by `runbook plan --out PLANFILE`, exactly: the same chapters and
        steps, the same variables (a secret given then must be given again). First, under the
        lock, it plans again on the target and compares; if anything differs (a path's content,
        mode, owner or link, a package, a guard's verdict, a chapter file, a variable, the
        target, or the plan was applied already) it names each stale item, changes nothing and
        exits 3. Each step is checked again as it runs. The plan's id is kept in the snapshot.
        """,
        "show": """
        runbook show PLANFILE [--json] [--html FILE] [--no-color]

        Renders a saved plan as the plan command would have: text, --json (docs/PLAN-JSON.md), or
        the review page with --html FILE. It reads only the file: never the target or its state.
        Exits 2 when the plan has changes, 0 when it has none.
        """,
        "rollback": """
        runbook rollback [SNAPSHOT] [--force] [--runbook DIR] [--var NAME=VALUE]
                         [--vars-file FILE] [--root DIR] [--state-dir DIR] [--json] [--no-color]

        Restores every path the last apply changed (or SNAPSHOT and every one after it) exactly:
        content, mode, owner, link target or absence, then reruns the affected handlers. If a
        managed file was changed since, it shows the drift and refuses, unless --force; the
        rollback is itself a snapshot and can be rolled back. Packages stay installed. Nothing is
        changed unless every recorded content it needs is in the state directory, intact. A
        rollback that was killed or failed midway is finished by the next one; until then apply
        refuses to run. --json prints what it did (or why not) as one document (docs/JSON.md),
        and the progress on stderr.
        """,
        "agent": """
        runbook agent

        What `plan --host` and `apply --host` run on the server: it reads one request on standard
        input and answers in NDJSON on standard output (docs/REMOTE.md). Not meant to be run by
        hand; a request it cannot read is refused with exit 64.
        """,
        "snapshots": """
        runbook snapshots [show ID] [--root DIR] [--state-dir DIR] [--json] [--no-color]

        Lists snapshots: id, time, kind, outcome, chapters and paths changed. `show ID` prints what
        one recorded: every path with its state before and after. Secret values are never shown.
        """,
    ]
}
