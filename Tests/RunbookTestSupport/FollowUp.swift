import Foundation

/// What an operator does after a command was stopped: runs the command runbook itself names, in
/// the stopped command's own output or else in the notes of `runbook plan`, and again after that,
/// until a command succeeds and plan has no note naming one. A test that follows it proves that
/// every command runbook prints works.
public struct FollowUp {
    /// Everything after the command word: `--runbook`, `--root`, `--state-dir`, `--var`.
    public let arguments: [String]

    public init(arguments: [String]) {
        self.arguments = arguments
    }

    /// The commands run after a command that printed `output` and exited `status`, each as
    /// runbook printed it; the last result is the one that ended the follow-up.
    public func run(after output: String, status: Int32) throws -> (commands: [String], last: Subprocess.Result?) {
        var advice = status == 0 ? nil : Self.command(in: output)
        var commands: [String] = []
        var last: Subprocess.Result?
        // More than a few rounds means runbook sends the operator round in circles.
        while commands.count < 5 {
            guard let command = try advice ?? planAdvice() else { return (commands, last) }
            commands.append(command)
            let result = try RunbookBinary.run(words(of: command) + arguments)
            last = result
            advice = result.status == 0 ? nil : Self.command(in: result.all)
            if result.status != 0, advice == nil { return (commands, last) }
        }
        return (commands, last)
    }

    /// The command named by the first of plan's notes that names one.
    public func planAdvice() throws -> String? {
        let plan = try RunbookBinary.run(["plan"] + arguments)
        return Self.command(in: plan.stdout.split(separator: "\n").filter { $0.hasPrefix("note:") }.joined(separator: "\n"))
    }

    /// `runbook rollback 2` as the words after `runbook`.
    public func words(of command: String) -> [String] {
        command.split(separator: " ").dropFirst().map(String.init)
    }

    /// The first `runbook ...` command quoted in backticks.
    public static func command(in text: String) -> String? {
        guard let start = text.range(of: "`runbook ") else { return nil }
        let rest = text[start.upperBound...]
        guard let end = rest.firstIndex(of: "`") else { return nil }
        return "runbook " + rest[..<end]
    }
}
