import FoundationEssentials
import Glibc
import RunbookRemote
import RunbookRender
import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookMarkdown
import RunbookHost

/// `runbook agent`: the server's side of `plan --host` and `apply --host` (docs/REMOTE.md).
///
/// It reads one request on standard input, never from its command line (the values in it may be
/// secrets), and carries it out as the local command would, on the target the request names.
/// It answers on standard output in NDJSON, the first line its protocol version, an apply's events
/// as the `event` documents of `apply --json`, every line masked like any other output; what is
/// meant for people goes to standard error. A request
/// it cannot read, or of another major version, is refused with exit 64.
package struct AgentCommand {
    package let console: Console

    package func run() -> ExitCode {
        send(.hello(runbookVersion: RunbookCommand.version))
        guard let data = readToEnd(STDIN_FILENO, limit: AgentProtocol.requestLimit) else {
            return finish([Diagnostic("refused the request on standard input: it could not be read, or holds more than \(AgentProtocol.requestLimit) bytes",
                                      origin: "runbook agent")], code: .usage)
        }
        let request: AgentRequest
        let options: CommandLineOptions
        let archive: RunbookArchive
        do {
            (request, archive) = try AgentRequest.unframe(data)
            options = try Self.options(for: request)
        } catch let usage as CommandLineOptions.UsageError {
            return finish([Diagnostic("refused the request: \(usage.message)", origin: "runbook agent", hint: usage.hint)], code: .usage)
        } catch {
            return finish(Self.diagnostics(error), code: .usage)
        }
        do {
            let received = try PrivateDirectory(prefix: "runbook-agent")
            defer { received.remove() }
            try archive.unpack(into: received.path)
            let session = try Session(options: options, console: console, runbookDirectory: received.path,
                                      receivedVariables: request.variables)
            if request.command == "plan" {
                var (plan, _) = try PlanCommand(session: session).plan()
                // Named as the operator named it, not as this agent's private copy.
                plan.runbook = request.runbook
                send(.planned(plan))
                return finish([], code: plan.exitCode)
            }
            // Each event as the line `apply --json` prints for it: the controller renders those.
            let events = ApplyProgress(console: console, renderer: ApplyEventRenderer(style: console.style), json: true)
            let outcome = try ApplyCommand(session: session).carryOut(report: events.report)
                ?? Applier.Outcome(snapshotID: nil, changedSteps: 0, failure: nil, restored: [])
            send(.applied(outcome))
            return finish([], code: outcome.exitCode)
        } catch let lock as StateLock.LockError {
            return finish([Diagnostic("\(lock)", origin: "runbook", hint: RunbookCommand.lockHint)], code: .locked)
        } catch {
            return finish(Self.diagnostics(error), code: .failure)
        }
    }

    /// The request's command and target as the local command line would give them, checked by
    /// the same parser.
    private static func options(for request: AgentRequest) throws -> CommandLineOptions {
        guard ["plan", "apply"].contains(request.command) else {
            throw CommandLineOptions.UsageError("the agent carries out plan or apply, not \(Diagnostic.shown(request.command))")
        }
        var words: [String] = [request.command, "--runbook", request.runbook]
        if let root = request.root { words += ["--root", root] }
        if let stateDirectory = request.stateDirectory { words += ["--state-dir", stateDirectory] }
        for chapter in request.chapters { words += ["--chapter", chapter] }
        for id in request.only { words += ["--only", id] }
        if request.atomic { words.append("--atomic") }
        return try CommandLineOptions(parsing: words)
    }

    private static func diagnostics(_ error: any Error) -> [Diagnostic] {
        switch error {
        case let diagnostics as Diagnostics: diagnostics.items
        case let diagnostic as Diagnostic: [diagnostic]
        default: [Diagnostic("\(error)", origin: "runbook")]
        }
    }

    private func finish(_ errors: [Diagnostic], code: ExitCode) -> ExitCode {
        if !errors.isEmpty {
            send(.refused(errors))
            RunbookCommand.explain(errors, console: console, outcome: "nothing was changed")
        }
        send(.exit(code.rawValue))
        return code
    }

    private func send(_ message: AgentMessage) {
        do {
            console.line(try message.line())
        } catch {
            console.error("runbook agent: error: could not encode a \(message.kind) message: \(error)")
        }
    }
}
