/// `runbook completions zsh`: a `#compdef runbook` function for `fpath`, which also registers
/// itself with `compdef` when it is sourced instead.
package enum ZshCompletionScript {
    package static var text: String {
        let forwarded = CompletionShell.forwardedFlags.map(\.name)
        var out = """
        #compdef runbook
        # zsh completion for runbook, made by `runbook completions zsh`.
        # Install: runbook completions zsh > "${fpath[1]}/_runbook", then start a new shell.

        # The names only the runbook knows, from `runbook completions --list WHAT`, with the folder
        # and target flags already on the line passed on (never --var: it may hold a secret).
        _runbook_list() {
          local what=$1 line i
          shift
          local -a forward lines described
          for (( i = 1; i < CURRENT; i++ )); do
            case $words[i] in
              \(forwarded.joined(separator: "|"))) (( i + 1 < CURRENT )) && forward+=($words[i] ${words[i+1]/#\\~/$HOME}) ;;
              \(forwarded.map { "\($0)=*" }.joined(separator: "|"))) forward+=(${words[i]/=\\~/=$HOME}) ;;
            esac
          done
          lines=(${(f)"$($runbook_program completions --list $what $forward 2>/dev/null)"})
          for line in $lines; do described+=("${${line%%$'\\t'*}//:/\\\\:}:${line#*$'\\t'}"); done
          _describe -t $what $what described "$@"
        }

        _runbook() {
          local runbook_program=${words[1]/#\\~/$HOME} curcontext=$curcontext state line
          local -a commands=(

        """
        for command in CommandDeclaration.shown { out += "    \(quoted("\(command.name):" + command.summary.replacingEvery(":", with: "\\:")))\n" }
        out += """
          )
          _arguments -C \\
            '(- *)'{-h,--help}'[\(escaped(FlagDeclaration.help.summary))]' \\
            '(- *)--version[\(escaped(FlagDeclaration.version.summary))]' \\
            '1: :->command' \\
            '*:: :->argument'
          case $state in
            command) _describe -t commands 'runbook command' commands ;;
            argument)
              curcontext=${curcontext%:*:*}:runbook-$words[1]:
              case $words[1] in

        """
        for command in CommandDeclaration.shown {
            let specs = command.flagDeclarations.map(spec) + command.positional.completions.enumerated().map { position, completion in
                quoted("\(position + 1):\(command.positional.usage ?? "word"):\(action(completion))")
            } + ["'(- *)'{-h,--help}'[\(escaped(FlagDeclaration.help.summary))]'"]
            out += "        \(command.name)) _arguments -S \\\n" + specs.map { "            \($0)" }.joined(separator: " \\\n") + " ;;\n"
        }
        out += """
              esac ;;
          esac
        }

        if [[ $funcstack[1] == _runbook ]]; then _runbook "$@"; else compdef _runbook runbook; fi

        """
        return out
    }

    /// `'*--var=[Set a variable]:NAME=VALUE:_runbook_list variables -qS='`
    private static func spec(_ flag: FlagDeclaration) -> String {
        let repeats = flag.repeatable ? "*" : ""
        guard let value = flag.value else { return quoted("\(repeats)\(flag.name)[\(escaped(flag.summary))]") }
        return quoted("\(repeats)\(flag.name)=[\(escaped(flag.summary))]:\(value):\(action(flag.completion))")
    }

    private static func action(_ completion: ValueCompletion) -> String {
        switch completion {
        case .nothing: " "
        case .files: "_files"
        case .directories: "_files -/"
        case .words(let words): "(\(words.joined(separator: " ")))"
        // In braces, so that _arguments runs it as it is instead of adding its options first.
        case .listed(let listing, let suffix): "{_runbook_list \(listing.rawValue)" + (suffix.isEmpty ? "" : " -qS\(suffix)") + "}"
        }
    }

    /// A description inside `[…]` of an `_arguments` spec.
    private static func escaped(_ text: String) -> String {
        text.replacingEvery("\\", with: "\\\\").replacingEvery("[", with: "\\[").replacingEvery("]", with: "\\]")
    }

    /// One word in single quotes.
    private static func quoted(_ text: String) -> String { "'" + text.replacingEvery("'", with: #"'\''"#) + "'" }
}
