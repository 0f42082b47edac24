/// The shells `runbook completions SHELL` writes a script for, each rendered from the command and
/// flag declarations.
public enum CompletionShell: String, CaseIterable, Sendable {
    case bash, zsh, fish

    package var script: String {
        switch self {
        case .bash: BashCompletionScript.text
        case .zsh: ZshCompletionScript.text
        case .fish: FishCompletionScript.text
        }
    }

    /// The flags a script passes on to `runbook completions --list`, so that it lists the names of
    /// the runbook and target the line is about. Never `--var`: its value may be a secret.
    package static var forwardedFlags: [FlagDeclaration] {
        CommandDeclaration.completions.flagDeclarations.filter { $0.name != FlagDeclaration.list.name }
    }

    /// Every flag that takes a value, whose next word is therefore not a command or a positional word.
    package static var flagsWithValues: [String] { FlagDeclaration.all.filter { $0.value != nil }.map(\.name) }
}
