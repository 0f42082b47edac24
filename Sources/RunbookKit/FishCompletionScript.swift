/// `runbook completions fish`: one `complete` line per command, flag and positional word, with
/// conditions that read the command line as the parser does.
package enum FishCompletionScript {
    package static var text: String {
        let forwarded = CompletionShell.forwardedFlags.map(\.name)
        var out = """
        # fish completion for runbook, made by `runbook completions fish`.
        # Install: runbook completions fish > ~/.config/fish/completions/runbook.fish

        # The command and its positional words so far: no flag, and no value of a flag that takes one.
        function __runbook_words
            set -l tokens (commandline -opc)
            set -e tokens[1]
            set -l skip 0
            for token in $tokens
                if test $skip = 1
                    set skip 0
                    continue
                end
                switch $token
                    case \(CompletionShell.flagsWithValues.joined(separator: " "))
                        set skip 1
                    case '-*'
                    case '*'
                        echo $token
                end
            end
        end

        function __runbook_command_in
            set -l words (__runbook_words)
            test (count $words) -gt 0; and contains -- $words[1] $argv
        end

        function __runbook_no_command
            test (count (__runbook_words)) -eq 0
        end

        # Whether the command is $argv[1] and the word being completed is its positional word $argv[2] (from 0).
        function __runbook_at
            set -l words (__runbook_words)
            test (count $words) -gt 0; and test $words[1] = $argv[1]; and test (count $words) -eq (math $argv[2] + 1)
        end

        # The names only the runbook knows, from `runbook completions --list WHAT`, with the folder
        # and target flags already on the line passed on (never --var: it may hold a secret).
        function __runbook_list
            set -l tokens (commandline -opc)
            set -l forward
            for i in (seq 2 (count $tokens))
                switch $tokens[$i]
                    case \(forwarded.joined(separator: " "))
                        if test $i -lt (count $tokens)
                            set -a forward $tokens[$i] $tokens[(math $i + 1)]
                        end
                    case \(forwarded.map { "'\($0)=*'" }.joined(separator: " "))
                        set -a forward $tokens[$i]
                end
            end
            $tokens[1] completions --list $argv[1] $forward 2>/dev/null | string replace -r '^([^\\t]*)' "\\$1$argv[2]"
        end

        complete -c runbook -f

        """
        for command in CommandDeclaration.shown {
            out += "complete -c runbook -n __runbook_no_command -a \(command.name) -d \(quoted(command.summary))\n"
        }
        for flag in FlagDeclaration.all {
            let takers = CommandDeclaration.shown.filter { $0.flags.contains(flag.name) }.map(\.name)
            let condition = takers.isEmpty ? "__runbook_no_command" : "__runbook_no_command; or __runbook_command_in \(takers.joined(separator: " "))"
            let short = flag.name == FlagDeclaration.help.name ? "-s h " : ""
            let value = flag.value == nil ? "" : " " + arguments(flag.completion)
            out += "complete -c runbook -n \(quoted(condition)) \(short)-l \(flag.name.dropFirst(2))\(value) -d \(quoted(flag.summary))\n"
        }
        for command in CommandDeclaration.shown {
            for (position, completion) in command.positional.completions.enumerated() {
                out += "complete -c runbook -n \(quoted("__runbook_at \(command.name) \(position)")) \(arguments(completion))\n"
            }
        }
        return out
    }

    private static func arguments(_ completion: ValueCompletion) -> String {
        switch completion {
        case .nothing: "-x"
        case .files: "-r -F"
        case .directories: "-x -a '(__fish_complete_directories (commandline -ct))'"
        case .words(let words): "-x -a \(quoted(words.joined(separator: " ")))"
        case .listed(let listing, let suffix): "-x -a " + quoted("(__runbook_list \(listing.rawValue)\(suffix.isEmpty ? "" : " \(suffix)"))")
        }
    }

    /// One word in single quotes, as fish reads them.
    private static func quoted(_ text: String) -> String {
        "'" + text.replacingEvery("\\", with: "\\\\").replacingEvery("'", with: "\\'") + "'"
    }
}
