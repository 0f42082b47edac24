/// `runbook completions bash`: defines `_runbook` and registers it for `runbook`.
///
/// Bash splits `--color=al` at the `=` into `--color`, `=`, `al`; the script reads the three as
/// one flag and its value. Flags may come before or after the command, as the parser allows.
package enum BashCompletionScript {
    package static var text: String {
        let forwarded = CompletionShell.forwardedFlags.map(\.name).joined(separator: "|")
        // With `=` taken out of COMP_WORDBREAKS, `--root=/srv/x` stays one word.
        let forwardedJoined = CompletionShell.forwardedFlags.map { "\($0.name)=*" }.joined(separator: "|")
        let valued = CompletionShell.flagsWithValues.joined(separator: "|")
        var out = """
        # bash completion for runbook, made by `runbook completions bash`.
        # Install: runbook completions bash > /etc/bash_completion.d/runbook (or source it from ~/.bashrc)

        _runbook_words() { mapfile -t COMPREPLY < <(compgen -W "$1" -- "$cur"); }
        _runbook_files() { compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -f -- "$cur"); }
        _runbook_directories() { compopt -o filenames 2>/dev/null; mapfile -t COMPREPLY < <(compgen -d -- "$cur"); }

        # The names only the runbook knows, from `runbook completions --list WHAT`, with the folder
        # and target flags already on the line passed on (never --var: it may hold a secret).
        _runbook_listed() {
            local -a forward=() names=()
            local i value
            for (( i = 1; i < COMP_CWORD; i++ )); do
                case ${COMP_WORDS[i]} in
                    \(forwarded))
                        value=${COMP_WORDS[i+1]}
                        if [[ $value == = ]]; then value=${COMP_WORDS[i+2]}; fi
                        forward+=("${COMP_WORDS[i]}" "${value/#\\~/$HOME}") ;;
                    \(forwardedJoined))
                        forward+=("${COMP_WORDS[i]}") ;;
                esac
            done
            mapfile -t names < <("${COMP_WORDS[0]/#\\~/$HOME}" completions --list "$1" "${forward[@]}" 2>/dev/null | cut -f1)
            mapfile -t COMPREPLY < <(compgen -W "${names[*]/%/$2}" -- "$cur")
            if [[ -n $2 ]]; then compopt -o nospace 2>/dev/null; fi
        }

        _runbook() {
            local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}
            COMPREPLY=()
            if [[ $cur == = ]]; then
                cur=""
            elif [[ $prev == = ]] && (( COMP_CWORD > 1 )); then
                prev=${COMP_WORDS[COMP_CWORD-2]}
            fi
            # The command is the first word that is neither a flag nor a flag's value.
            local command="" positional=0 i
            for (( i = 1; i < COMP_CWORD; i++ )); do
                case ${COMP_WORDS[i]} in
                    \(valued))
                        (( i++ ))
                        if [[ ${COMP_WORDS[i]} == = ]]; then (( i++ )); fi ;;
                    -*|=) ;;
                    *) if [[ -z $command ]]; then command=${COMP_WORDS[i]}; else (( positional++ )); fi ;;
                esac
            done
            case $prev in

        """
        for flag in FlagDeclaration.all where flag.value != nil {
            out += "        \(flag.name)) \(reply(flag.completion)); return ;;\n"
        }
        out += """
            esac
            if [[ $cur == -* ]]; then
                case $command in

        """
        for command in CommandDeclaration.shown {
            out += "            \(command.name)) _runbook_words \"\(words(flagsOf: command))\" ;;\n"
        }
        let everyFlag = (FlagDeclaration.all.map(\.name) + ["-h"]).joined(separator: " ")
        out += """
                    *) _runbook_words "\(everyFlag)" ;;
                esac
                return
            fi
            case $command in
                "") _runbook_words "\(CommandDeclaration.shown.map(\.name).joined(separator: " "))" ;;

        """
        for command in CommandDeclaration.shown where !command.positional.completions.isEmpty {
            let positions = command.positional.completions.enumerated().map { "\($0.offset)) \(reply($0.element)) ;;" }
            out += "        \(command.name)) case $positional in \(positions.joined(separator: " ")) esac ;;\n"
        }
        out += """
            esac
        }

        complete -F _runbook runbook

        """
        return out
    }

    private static func words(flagsOf command: CommandDeclaration) -> String {
        (command.flagDeclarations.map(\.name) + ["-h", "--help"]).joined(separator: " ")
    }

    private static func reply(_ completion: ValueCompletion) -> String {
        switch completion {
        case .nothing: "COMPREPLY=()"
        case .files: "_runbook_files"
        case .directories: "_runbook_directories"
        case .words(let words): "_runbook_words \"\(words.joined(separator: " "))\""
        case .listed(let listing, let suffix): "_runbook_listed \(listing.rawValue)" + (suffix.isEmpty ? "" : " \(suffix)")
        }
    }
}
