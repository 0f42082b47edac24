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

/// The `runbook` command line: parses arguments, runs one command, returns its exit code.
public enum RunbookCommand {
    public static let version = "runbook 0.1.0"

    package static let lockHint = "Wait for it to finish; if that process is gone, the kernel has already released the lock."

    public static func main(_ arguments: [String]) -> Int32 {
        ProcessLauncher.ignoreBrokenPipes()
        let options: CommandLineOptions
        do {
            options = try CommandLineOptions(parsing: arguments)
        } catch {
            let style = TextStyle(enabled: ColorChoice.scanning(arguments).colors(STDERR_FILENO))
            writeFully(STDERR_FILENO, style.errorLabels("runbook: error: \(error)") + "\nNothing was read or changed. Try `runbook help`.\n")
            return ExitCode.usage.rawValue
        }
        if options.stepMode && !Console.inputIsTerminal {
            writeFully(STDERR_FILENO, "runbook: error: --step asks before each step, and standard input is not a terminal "
                + "(run it at a terminal, or leave out --step to apply without asking)\nNothing was read or changed.\n")
            return ExitCode.usage.rawValue
        }
        let console = Console(redactor: .none, color: options.color)
        console.streamsJSON = options.command == "apply"
        if options.version {
            console.line(version)
            return ExitCode.success.rawValue
        }
        if options.command == "help" || options.help || options.command == nil {
            let topic = options.command == "help" ? options.arguments.first : options.command
            console.out(options.manual ? ManPage.text : (topic.flatMap(HelpText.command) ?? HelpText.general) + "\n")
            return options.command == nil && !options.help ? ExitCode.usage.rawValue : ExitCode.success.rawValue
        }
        return run(options, console: console).rawValue
    }

    /// Carries out a parsed command line. The agent runs a request's command through here too,
    /// on the runbook it received and with the values that came with it.
    package static func run(_ options: CommandLineOptions, console: Console, runbookDirectory: String? = nil,
                            receivedVariables: [VariableInput] = []) -> ExitCode {
        do {
            // `show` reads a saved plan and nothing of the target: no session, no state directory.
            if options.command == "show" { return try ShowCommand(options: options, console: console).run() }
            if options.command == "completions" { return try CompletionsCommand(options: options, console: console).run() }
            if options.command == "agent" { return AgentCommand(console: console).run() }
            // The target is the server's: nothing of this machine's is read but the runbook and the values.
            if options.isRemote { return try FleetCommand(options: options, console: console).run() }
            if options.command == "apply", let file = options.arguments.first {
                if let fleetPlan = try FleetSavedPlan.readIfFleetPlan(file) { return try FleetCommand(options: options, console: console).apply(fleetPlan, file: file) }
                if let flag = options.serverFlags.first {
                    throw Diagnostic("\(flag) chooses among servers, and \(file) is a plan of this machine", origin: flag,
                                     hint: "make a plan of servers with `runbook plan --inventory FILE --out PLAN`")
                }
                let saved = try SavedPlan.read(file)
                let session = try Session(options: ApplyCommand.options(options, carrying: saved), console: console)
                return try ApplyCommand(session: session, saved: (file, saved)).run()
            }
            let session = try Session(options: options, console: console, runbookDirectory: runbookDirectory,
                                      receivedVariables: receivedVariables)
            return switch options.command! {
            case "check": try CheckCommand(session: session).run()
            case "plan": try PlanCommand(session: session).run()
            case "apply": try ApplyCommand(session: session).run()
            case "rollback": try RollbackCommand(session: session).run()
            case "snapshots": try SnapshotsCommand(session: session).run()
            case "vars": try VarsCommand(session: session).run()
            case "show", "completions", "agent": preconditionFailure("\(options.command!) runs before a session is made, or makes its own")
            default: preconditionFailure("CommandLineOptions admits only declared commands")
            }
        } catch let lock as StateLock.LockError {
            printErrors([Diagnostic("\(lock)", origin: "runbook", hint: lockHint)], console: console, json: options.json)
            console.error("runbook: \(lock)\n\(lockHint)")
            return .locked
        } catch let refusal as StepSelection.Refusal {
            report([refusal.diagnostic], console: console, json: options.json)
            return .usage
        } catch let stale as StalePlanRefusal {
            stale.report(to: console, json: options.json)
            return .stalePlan
        } catch let diagnostics as Diagnostics {
            report(diagnostics.items, console: console, json: options.json)
            return .failure
        } catch let diagnostic as Diagnostic {
            report([diagnostic], console: console, json: options.json)
            return .failure
        } catch {
            printErrors([Diagnostic("\(error)", origin: "runbook")], console: console, json: options.json)
            console.error("runbook: error: \(error)")
            return .failure
        }
    }

    /// A refusal: the errors document with --json, and always the lines for people on stderr.
    package static func report(_ diagnostics: [Diagnostic], console: Console, json: Bool) {
        printErrors(diagnostics, console: console, json: json)
        explain(diagnostics, console: console, outcome: "nothing was changed")
    }

    /// With --json a failing command still prints one document, so that a script never has to
    /// parse stderr to learn why.
    package static func printErrors(_ diagnostics: [Diagnostic], console: Console, json: Bool) {
        guard json else { return }
        try? console.json(ErrorsDocument(diagnostics))
    }

    /// `outcome` ends the count line: what the refusal means for the command that was refused
    /// (nil for `check`, which never changes anything).
    package static func explain(_ diagnostics: [Diagnostic], console: Console, outcome: String?) {
        for diagnostic in diagnostics { console.error(diagnostic.description) }
        let count = "\(diagnostics.count) error\(diagnostics.count == 1 ? "" : "s")"
        console.error(outcome.map { "\(count); \($0)." } ?? "\(count) found.")
    }
}
