import RunbookRender
import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookMarkdown
import RunbookHost

/// `runbook completions SHELL` prints the completion script; `runbook completions --list WHAT`
/// prints the names the script offers that only the runbook and its target know, one per line,
/// a tab, and a description.
package struct CompletionsCommand {
    package let options: CommandLineOptions
    package let console: Console

    package func run() throws -> ExitCode {
        guard let listing = options.listing else {
            console.out(CompletionShell(rawValue: options.arguments[0])!.script)
            return .success
        }
        let session = try Session(options: options, console: console)
        for (name, description) in try names(listing, session: session) { console.line("\(name)\t\(description)") }
        return .success
    }

    /// What the selection flags accept, so that a completed word is never refused: chapters with
    /// something to select, and steps that change something.
    private func names(_ listing: CompletionListing, session: Session) throws -> [(String, String)] {
        switch listing {
        case .chapters:
            let (prepared, _) = try session.prepareAsFarAsPossible()
            return StepSelection.selectableChapters(of: prepared).map { ($0.chapter.name, $0.chapter.title) }
        case .steps:
            let (prepared, _) = try session.prepareAsFarAsPossible()
            return prepared.chapters.flatMap(\.changingSteps).map { ($0.info.id, $0.info.summary) }
        case .snapshots:
            return try session.state.snapshots.list().reversed().map {
                ($0.idText, "\($0.kind.rawValue), \($0.observedStatus.rawValue), \($0.startedAt)")
            }
        case .variables:
            let (prepared, _) = try session.prepareAsFarAsPossible()
            return prepared.runbook.variables.map { ($0.name, $0.about) }
        }
    }
}
