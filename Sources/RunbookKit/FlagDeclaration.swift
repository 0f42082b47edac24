/// One flag, declared once: the parser, `--help`, the man page and the completion scripts all read
/// it from here, so none of them can know a flag the others do not.
package struct FlagDeclaration: Sendable {
    package let name: String
    /// The placeholder of its value, like `DIR`; nil for a flag that takes none.
    package let value: String?
    package let repeatable: Bool
    /// One line, for completion menus and the first line of help: no brackets, colons or quotes.
    package let summary: String
    /// What help and the man page add after the summary.
    package let details: String?
    package let completion: ValueCompletion

    package init(_ name: String, value: String? = nil, repeatable: Bool = false, _ summary: String, details: String? = nil,
                 completion: ValueCompletion = .nothing) {
        self.name = name
        self.value = value
        self.repeatable = repeatable
        self.summary = summary
        self.details = details
        self.completion = completion
    }

    /// The summary, the details and whether it repeats, as help and the man page say it.
    package var meaning: String { summary + "." + (details.map { " " + $0 } ?? "") + (repeatable ? " Repeatable." : "") }

    /// `--root DIR`, `--json`: how usage lines and the man page write it.
    package var usage: String { value.map { "\(name) \($0)" } ?? name }

    package static let runbook = FlagDeclaration(
        "--runbook", value: "DIR", "The runbook folder (default ./Runbook)", completion: .directories)
    package static let root = FlagDeclaration(
        "--root", value: "DIR", "Treat DIR as /, safe without root",
        details: "Every file lands under DIR; packages, commands, handlers and checks are skipped.", completion: .directories)
    package static let stateDirectory = FlagDeclaration(
        "--state-dir", value: "DIR", "Where snapshots, the lock and generated secrets are kept",
        details: "Default /var/lib/runbook, or ROOT/var/lib/runbook with --root. It must be runbook's own: a link, another "
            + "user's, or one holding other files is refused.", completion: .directories)
    package static let variable = FlagDeclaration(
        "--var", value: "NAME=VALUE", repeatable: true, "Set a variable, winning over --vars-file",
        details: "A successful apply keeps it for later plans and applies. A secret given here is never printed, but other users of this machine may see this command line in ps: "
            + "prefer --vars-file for secrets.", completion: .listed(.variables, suffix: "="))
    package static let varsFile = FlagDeclaration(
        "--vars-file", value: "FILE", repeatable: true, "Read variables from FILE", details: "NAME=VALUE lines, # comments.",
        completion: .files)
    package static let chapter = FlagDeclaration(
        "--chapter", value: "NAME", repeatable: true, "Only this chapter, by file name (with or without .md) or title",
        details: "A chapter the runbook does not have, or a selection with no step in it, is a wrong "
            + "command line (exit 64).", completion: .listed(.chapters))
    package static let only = FlagDeclaration(
        "--only", value: "ID", repeatable: true, "Only this step, by id like 02-nginx/3",
        details: "Handlers fire when a selected step notifies them, and a chapter's checks run with --chapter, so neither "
            + "is an id --only takes.", completion: .listed(.steps))
    package static let html = FlagDeclaration(
        "--html", value: "FILE", "Also write the plan to FILE as one self-contained review page",
        details: "No scripts, no external files; secrets are masked there too.", completion: .files)
    package static let out = FlagDeclaration(
        "--out", value: "FILE", "Save the plan to FILE for apply FILE",
        details: "Mode 0600, no secret in it: secrets only as salted hashes.", completion: .files)
    package static let host = FlagDeclaration(
        "--host", value: "HOST", repeatable: true, "Carry the command out on that server, over the system's ssh",
        details: "HOST is [USER@]NAME[:PORT], a name ssh reaches (your ~/.ssh/config applies; BatchMode, so a key must work "
            + "without a prompt). The first run sends this runbook binary there, by its sha256, into the state directory's bin/; "
            + "the runbook folder and the values, secrets included, go on ssh's standard input, never on a command line. "
            + "--root and --state-dir are the server's. Not with --step; docs/REMOTE.md describes it, docs/FLEET.md many hosts.")
    package static let inventory = FlagDeclaration(
        "--inventory", value: "FILE", "Carry the command out on the servers FILE names",
        details: "One host a line as --host writes it, then its NAME=VALUE values; or an Ansible INI inventory (groups, "
            + "ansible_host, ansible_user, ansible_port, ansible_become, host and group variables). docs/FLEET.md describes both.",
        completion: .files)
    package static let limit = FlagDeclaration(
        "--limit", value: "PATTERN", "Only these hosts or groups of the fleet",
        details: "Comma-separated names; * is a wildcard, &GROUP keeps only the hosts also in GROUP, !NAME leaves NAME out. "
            + "A name that matches nothing is an error.")
    package static let parallel = FlagDeclaration(
        "--parallel", value: "N", "How many hosts at once (default 10)")
    package static let serial = FlagDeclaration(
        "--serial", value: "SIZES", "Apply in batches, like 1,25%,100%: a canary, then a quarter, then the rest",
        details: "Each batch starts only when the one before it had at most --max-fail failures; the last size repeats.")
    package static let maxFail = FlagDeclaration(
        "--max-fail", value: "N|N%", "How many hosts of a batch may fail before the batches after it are called off (default 0)",
        details: "An unreachable or locked host counts as one that failed.")
    package static let skipStale = FlagDeclaration(
        "--skip-stale", "apply FILE of a fleet plan: apply the hosts whose part still holds, and report the stale ones",
        details: "Without it, one stale part (or one host that cannot be reached) stops the whole apply before any host changes.")
    package static let become = FlagDeclaration(
        "--become", "On the servers, run as root through sudo -n, for a login user that is not root",
        details: "sudo must not ask for a password there: runbook says so and changes nothing if it would.")
    package static let json = FlagDeclaration(
        "--json", "Print one versioned JSON document on stdout, also on errors",
        details: "Progress goes to stderr; apply streams its events first, a line each; docs/JSON.md describes every document.")
    package static let color = FlagDeclaration(
        "--color", value: "WHEN", "Colour: auto, always or never",
        details: "auto (the default) colours each of stdout and stderr that is a terminal, unless NO_COLOR is set or "
            + "TERM is dumb. Errors are red.", completion: .words(ColorChoice.allCases.map(\.rawValue)))
    package static let noColor = FlagDeclaration("--no-color", "The same as --color=never")
    package static let step = FlagDeclaration(
        "--step", "A guided tour: before each step, the prose it sits under and its plan, then a key",
        details: "y apply, n skip (Enter), a all the rest, q stop here, d the diff again, s the block as written, ? help. "
            + "It needs a terminal.")
    package static let atomic = FlagDeclaration(
        "--atomic", "On a failure, restore everything this apply changed, every chapter")
    package static let force = FlagDeclaration("--force", "Roll back over drift; the current content is kept in the rollback's snapshot")
    package static let forget = FlagDeclaration(
        "--forget", value: "NAME", repeatable: true, "Drop the value kept for NAME from an earlier apply, then list",
        details: "The next plan and apply use the default, or what you give. A NAME with no kept value is an error (exit 1) "
            + "and nothing is forgotten.", completion: .listed(.variables))
    package static let manual = FlagDeclaration("--man", "Print the whole manual as a man page, roff")
    package static let list = FlagDeclaration(
        "--list", value: "WHAT", "Print the runbook's names, for the completion scripts",
        details: "One per line with a tab and a description: chapters, steps, snapshots or variables.",
        completion: .words(CompletionListing.allCases.map(\.rawValue)))
    package static let help = FlagDeclaration("--help", "This help; runbook help COMMAND for one command")
    package static let version = FlagDeclaration("--version", "Print the version")

    /// Every flag, in the order help lists them.
    package static let all: [FlagDeclaration] = [
        runbook, root, stateDirectory, variable, varsFile, chapter, only, html, out, host, inventory, limit, parallel, serial, maxFail,
        skipStale, become, json, color, noColor, step, atomic, force,
        forget, manual, list, help, version,
    ]

    package static func named(_ name: String) -> FlagDeclaration? { all.first { $0.name == name } }
}
