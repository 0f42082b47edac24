import RunbookRender

/// `runbook --help` and `runbook help COMMAND`: enough to use the tool without the README,
/// rendered from the declarations of the commands, flags and exit codes.
package enum HelpText {
    /// What runbook is, for the top of the help and the man page's description.
    package static let introduction = """
    runbook: literate executable runbooks. A runbook is a folder of Markdown chapters; code blocks
    marked as steps become idempotent tasks that plan, apply and roll back.
    """

    /// What the environment changes, for help and the man page.
    package static let environment: [(name: String, meaning: String)] = [
        ("NO_COLOR", "When set and not empty, no colour unless --color=always."),
        ("TERM", "When dumb, no colour unless --color=always."),
    ]

    package static let examples: [(command: String, comment: String?)] = [
        ("runbook check", nil),
        ("runbook plan --root /tmp/sandbox", "every file the runbook writes, no root needed"),
        ("runbook apply --root /tmp/sandbox && runbook rollback --root /tmp/sandbox", nil),
        ("sudo runbook plan --out reviewed.plan && sudo runbook apply reviewed.plan", nil),
        ("sudo runbook plan --var domain=inference.example.com", nil),
        ("sudo runbook vars", "the values in effect, and where each comes from"),
        ("sudo runbook apply --step", "follow the article step by step"),
    ]

    private static let width = 100
    private static let column = 24

    package static var general: String {
        var out = introduction + "\n\nUSAGE\n  runbook <command> [options]\n\nCOMMANDS\n"
        for command in CommandDeclaration.shown {
            out += entry([command.name, command.positional.usage].compactMap { $0 }.joined(separator: " "), command.summary + ".")
        }
        out += "\nOPTIONS (each command takes the ones its own help lists; any other word is refused, exit 64)\n"
        for flag in FlagDeclaration.all { out += entry(flag) }
        out += "\nEXIT CODES\n"
        for code in ExitCode.allCases { out += entry(String(code.rawValue), code.meaning, column: 6) }
        out += "\nENVIRONMENT\n"
        for variable in environment { out += entry(variable.name, variable.meaning, column: 12) }
        out += "\nEXAMPLES\n"
        let commandWidth = examples.filter { $0.comment != nil }.map(\.command.count).max() ?? 0
        for example in examples {
            out += "  " + (example.comment.map { example.command.padded(to: commandWidth) + "  # \($0)" } ?? example.command) + "\n"
        }
        return out + "\nThe format is documented in docs/FORMAT.md; `runbook help --man` prints the manual page."
    }

    /// `runbook help NAME`, or nil for a command that does not exist.
    package static func command(_ name: String) -> String? {
        guard let command = CommandDeclaration.named(name) else { return nil }
        var out = usage(of: command) + "\n\n" + command.details + "\n\nOPTIONS\n"
        for flag in command.flagDeclarations { out += entry(flag) }
        return out + entry("-h, --help", "This help.")
    }

    /// `runbook plan [--chapter NAME] … [--json]`, wrapped under the command's name.
    package static func usage(of command: CommandDeclaration) -> String {
        let words = [command.positional.usage].compactMap { $0 } + command.flagDeclarations.map { "[\($0.usage)]" }
        guard !words.isEmpty else { return "runbook \(command.name)" }
        return wrapped(words, first: "runbook \(command.name) ", width: width)
    }

    private static func entry(_ flag: FlagDeclaration) -> String {
        entry(flag.name == FlagDeclaration.help.name ? "-h, --help" : flag.usage, flag.meaning)
    }

    /// A name and its meaning in two columns; the meaning wraps in its own column.
    private static func entry(_ name: String, _ meaning: String, column: Int = column) -> String {
        let lead = "  " + name
        let words = meaning.split(separator: " ").map(String.init)
        guard lead.count < column else {
            return lead + "\n" + wrapped(words, first: String(repeating: " ", count: column), width: width) + "\n"
        }
        return wrapped(words, first: lead.padded(to: column), width: width) + "\n"
    }

    /// Words filled into lines of at most `width`; the lines after the first start where the
    /// first line's words start.
    package static func wrapped(_ words: [String], first: String, width: Int) -> String {
        let indent = String(repeating: " ", count: first.count)
        var lines: [String] = []
        var line = first
        for word in words {
            if line.count > indent.count, line.count + 1 + word.count > width {
                lines.append(line)
                line = indent + word
            } else {
                line += (line.count > indent.count ? " " : "") + word
            }
        }
        lines.append(line)
        return lines.joined(separator: "\n")
    }
}
