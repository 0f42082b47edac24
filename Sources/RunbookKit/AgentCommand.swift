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

/// `runbook agent`: the server's side of a command given `--host` or `--inventory` (docs/REMOTE.md).
///
/// It reads one request on standard input, never from its command line (the values in it may be
/// secrets), and carries it out as the local command would, on the target the request names.
/// It answers on standard output in NDJSON, the first line its protocol version, an apply's events
/// as the `event` documents of `apply --json`, every line masked like any other output; what is
/// meant for people goes to standard error. A request it cannot read, or of another major
/// version, is refused with exit 64.
///
/// A command that changes the server (apply, rollback, `vars --forget`) does not run in this
/// process: it runs detached from the ssh session (``AgentRuns``), so that a dropped connection
/// cannot stop it halfway, and this process relays its answer. Before anything, the agent reports
/// the commands whose connection dropped since the last one.
package struct AgentCommand {
    package let console: Console

    /// Set in the environment of the detached process that carries out a changing command.
    static let workerVariable = "RUNBOOK_AGENT_WORKER"

    package func run() -> ExitCode {
        let isWorker = getenv(Self.workerVariable) != nil
        // The lock that says this worker is running must not be inherited by what it starts.
        if isWorker { _ = fcntl(3, F_SETFD, FD_CLOEXEC) }
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
            let parsed = try Self.options(for: request)
            options = request.savedPlan.map { ApplyCommand.options(parsed, carrying: $0) } ?? parsed
        } catch let usage as CommandLineOptions.UsageError {
            return finish([Diagnostic("refused the request: \(usage.message)", origin: "runbook agent", hint: usage.hint)], code: .usage)
        } catch {
            return finish(Self.diagnostics(error), code: .usage)
        }
        let runs = AgentRuns(stateDirectory: request.serverStateDirectory)
        if !isWorker {
            reportUnattended(runs)
            if Self.changesTheServer(request) { return detach(data, request: request, runs: runs) }
        }
        do {
            let received = try PrivateDirectory(prefix: "runbook-agent")
            defer { received.remove() }
            try archive.unpack(into: received.path)
            if !["plan", "apply"].contains(request.command) { return carryOutAsText(options, request: request, runbook: received.path) }
            let session = try Session(options: options, console: console, runbookDirectory: received.path,
                                      receivedVariables: request.variables)
            if request.command == "plan" {
                var (plan, prepared) = try PlanCommand(session: session).plan()
                // Named as the operator named it, not as this agent's private copy.
                plan.runbook = request.runbook
                send(.planned(plan))
                if request.savePlan {
                    var saved = try SavedPlan.make(plan, id: SavedPlan.newID(), prepared: prepared, host: session.host,
                                                   stateDirectory: session.state.path.description, selection: session.selection,
                                                   runbookVersion: RunbookCommand.version, redactor: console.redactor)
                    saved.runbookDirectory = request.runbook
                    send(.saved(saved))
                }
                return finish([], code: plan.exitCode)
            }
            let apply = ApplyCommand(session: session, saved: request.savedPlan.map { (request.savedPlanFile ?? "the saved plan", $0) })
            if request.checkOnly {
                let items = try apply.staleItems()
                send(.stale(items))
                return finish([], code: items.isEmpty ? .success : .stalePlan)
            }
            // Each event as the line `apply --json` prints for it: the controller renders those.
            let events = ApplyProgress(console: console, renderer: ApplyEventRenderer(style: console.style), json: true)
            let outcome = try apply.carryOut(report: events.report)
                ?? Applier.Outcome(snapshotID: nil, changedSteps: 0, failure: nil, restored: [])
            send(.applied(outcome))
            return finish([], code: outcome.exitCode)
        } catch let refusal as StepSelection.Refusal {
            return finish([refusal.diagnostic], code: .usage)
        } catch let stale as StalePlanRefusal {
            send(.stale(stale.items))
            stale.report(to: console, json: false)
            return finish([], code: .stalePlan)
        } catch let lock as StateLock.LockError {
            return finish([Diagnostic("\(lock)", origin: "runbook", hint: RunbookCommand.lockHint)], code: .locked)
        } catch {
            return finish(Self.diagnostics(error), code: .failure)
        }
    }

    private static func changesTheServer(_ request: AgentRequest) -> Bool {
        (request.command == "apply" && !request.checkOnly) || request.command == "rollback" || (request.command == "vars" && !request.forget.isEmpty)
    }

    /// rollback, snapshots and vars print text (or one JSON document): carried out as the local
    /// command, what it prints travels as `output` messages.
    private func carryOutAsText(_ options: CommandLineOptions, request: AgentRequest, runbook: String) -> ExitCode {
        let captured = Console(redactor: .none, color: .never)
        captured.sink = { text, standardError in send(.output(text, standardError: standardError)) }
        let code = RunbookCommand.run(options, console: captured, runbookDirectory: runbook, receivedVariables: request.variables)
        send(.exit(code.rawValue))
        return code
    }

    /// Starts the command in a detached process of its own and relays its answer while the
    /// connection lasts. If the connection drops, this process ends and the command goes on; its
    /// run stays for the next agent to report, unless the controller read it all and removed it.
    private func detach(_ data: Data, request: AgentRequest, runs: AgentRuns) -> ExitCode {
        let run: AgentRuns.Run
        let worker: DetachedProcess
        do {
            run = try runs.create(command: request.command, startedAt: Clock.timestamp())
            worker = try DetachedProcess.start(executable: OwnExecutable.path, arguments: ["agent"],
                                               environment: [Self.workerVariable: "1"], input: data,
                                               output: run.events, log: run.log, lockFile: run.workerLock)
        } catch {
            return finish(Self.diagnostics(error), code: .failure)
        }
        send(.detached(run.name))
        var offsets = [0, 0]
        var pending = [Data(), Data()]
        var exitCode: Int32?
        var ended = false
        while true {
            // One more pass after it ended, for what it wrote last.
            if worker.exitStatus() != nil {
                if ended { break }
                ended = true
            }
            // The controller is gone: leave the command to finish, and its answer for the next agent.
            var output = pollfd(fd: STDOUT_FILENO, events: 0, revents: 0)
            if poll(&output, 1, 0) > 0, output.revents & Int16(POLLERR | POLLHUP) != 0 { return .unreachable }
            for (index, file) in [run.events, run.log].enumerated() {
                guard let chunk = Self.read(file, from: &offsets[index]) else { continue }
                pending[index].append(chunk)
                while let newline = pending[index].firstIndex(of: UInt8(ascii: "\n")) {
                    let line = Data(pending[index][pending[index].startIndex..<newline])
                    pending[index] = Data(pending[index][pending[index].index(after: newline)...])
                    if index == 1 {
                        if writeFully(STDERR_FILENO, String(decoding: line + Data("\n".utf8), as: UTF8.self)) != nil { return .unreachable }
                        continue
                    }
                    let message = try? AgentMessage.from(line: line)
                    if message?.kind == "hello" { continue }
                    if message?.kind == "exit" { exitCode = message?.exitCode }
                    if writeFully(STDOUT_FILENO, String(decoding: line + Data("\n".utf8), as: UTF8.self)) != nil { return .unreachable }
                }
            }
            if !ended { usleep(20_000) }
        }
        // The run stays until the controller, having read all of this, removes it.
        guard let exitCode else {
            return finish([Diagnostic("the \(request.command) on this host ended without an answer", origin: "runbook agent",
                                      hint: "`runbook snapshots` there shows what it recorded")], code: .failure)
        }
        return ExitCode(rawValue: exitCode) ?? .failure
    }

    /// What was appended to `file` since `offset`.
    private static func read(_ file: String, from offset: inout Int) -> Data? {
        let descriptor = open(file, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: 65536)
        var collected = Data()
        while true {
            let count = pread(descriptor, &buffer, buffer.count, off_t(offset))
            guard count > 0 else { break }
            collected.append(contentsOf: buffer[0..<count])
            offset += count
        }
        return collected.isEmpty ? nil : collected
    }

    /// Tells the controller, once, of each command whose connection dropped since the last agent ran here.
    private func reportUnattended(_ runs: AgentRuns) {
        runs.reportUnattended { send(.earlier($0)) }
    }

    /// The request's command and target as the local command line would give them, checked by
    /// the same parser.
    private static func options(for request: AgentRequest) throws -> CommandLineOptions {
        guard ["plan", "apply", "rollback", "snapshots", "vars"].contains(request.command) else {
            throw CommandLineOptions.UsageError("the agent carries out plan, apply, rollback, snapshots or vars, not \(Diagnostic.shown(request.command))")
        }
        var words: [String] = [request.command] + request.arguments
        if request.command != "snapshots" { words += ["--runbook", request.runbook] }
        if let root = request.root { words += ["--root", root] }
        if let stateDirectory = request.stateDirectory { words += ["--state-dir", stateDirectory] }
        for chapter in request.chapters { words += ["--chapter", chapter] }
        for id in request.only { words += ["--only", id] }
        for name in request.forget { words += ["--forget", name] }
        if request.atomic { words.append("--atomic") }
        if request.force { words.append("--force") }
        if request.json { words.append("--json") }
        // A word of the request is a value, never a flag the parser would take.
        guard !request.arguments.contains(where: { $0.hasPrefix("-") }) else {
            throw CommandLineOptions.UsageError("the request's arguments hold a flag")
        }
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
