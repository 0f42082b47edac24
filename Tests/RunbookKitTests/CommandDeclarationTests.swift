import Foundation
import RunbookKit
import XCTest
import RunbookRender
import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookMarkdown
import RunbookHost

/// The parser, `--help`, the man page and the completion scripts are all rendered from the
/// declarations; this keeps every one of them saying what the parser accepts.
final class CommandDeclarationTests: XCTestCase {
    func testEveryCommandsHelpListsExactlyTheFlagsItTakes() throws {
        for declaration in CommandDeclaration.all {
            let help = try XCTUnwrap(HelpText.command(declaration.name), "no help for \(declaration.name)")
            let usage = help.components(separatedBy: "\n\n")[0]
            for flag in CommandDeclaration.knownFlags.keys {
                let listed = usage.contains("[\(flag)]") || usage.contains("[\(flag) ")
                XCTAssertEqual(listed, declaration.flags.contains(flag),
                               "the usage of `runbook help \(declaration.name)` and the parser disagree about \(flag):\n\(usage)")
            }
        }
    }

    func testEveryCommandAndFlagIsInTheHelpTheManPageAndEveryCompletionScript() {
        let manPage = ManPage.text
        for command in CommandDeclaration.shown {
            XCTAssertTrue(HelpText.general.contains("\n  \(command.name) "), "runbook --help does not list \(command.name)")
            XCTAssertTrue(manPage.contains(".SS \(command.name.replacingOccurrences(of: "-", with: "\\-"))\n"),
                          "the man page has no section for \(command.name)")
            for shell in CompletionShell.allCases {
                XCTAssertTrue(shell.script.contains(command.name), "the \(shell) completion does not know \(command.name)")
            }
        }
        for flag in FlagDeclaration.all {
            XCTAssertTrue(HelpText.general.contains("  \(flag.usage) ") || flag.name == "--help", "runbook --help does not list \(flag.name)")
            XCTAssertTrue(manPage.contains("\\fB\(flag.name.replacingOccurrences(of: "-", with: "\\-"))\\fR"), "the man page does not list \(flag.name)")
            XCTAssertTrue(CompletionShell.bash.script.contains(" \(flag.name) ") || CompletionShell.bash.script.contains(" \(flag.name)\""),
                          "the bash completion does not offer \(flag.name)")
            XCTAssertTrue(["[", "=[", "}"].contains { CompletionShell.zsh.script.contains(flag.name + $0) },
                          "the zsh completion does not offer \(flag.name)")
            XCTAssertTrue(CompletionShell.fish.script.contains(" -l \(flag.name.dropFirst(2)) "), "the fish completion does not offer \(flag.name)")
        }
        for code in ExitCode.allCases {
            XCTAssertTrue(HelpText.general.contains("\n  \(code.rawValue) "), "runbook --help does not explain exit \(code.rawValue)")
            XCTAssertTrue(manPage.contains(".B \(code.rawValue)\n"), "the man page does not explain exit \(code.rawValue)")
        }
    }

    /// `agent` is what `--host` runs on the server: the parser knows it and `runbook help agent`
    /// explains it, but the help, the man page and the completion scripts do not offer it.
    func testTheAgentIsDeclaredButHidden() throws {
        let agent = try XCTUnwrap(CommandDeclaration.named("agent"))
        XCTAssertTrue(agent.hidden)
        XCTAssertEqual(CommandDeclaration.shown.map(\.name), CommandDeclaration.all.map(\.name).filter { $0 != "agent" })
        XCTAssertEqual(try CommandLineOptions(parsing: ["agent"]).command, "agent")
        XCTAssertTrue(try XCTUnwrap(HelpText.command("agent")).hasPrefix("runbook agent\n\n"))
        XCTAssertFalse(HelpText.general.contains("agent"))
        XCTAssertFalse(ManPage.text.contains(".SS agent"))
        for shell in CompletionShell.allCases {
            XCTAssertFalse(shell.script.contains("agent"), "the \(shell) completion offers agent")
        }
    }

    /// A flag that takes a value is known to every script as one, so its value is never taken
    /// for the command.
    func testTheScriptsKnowWhichFlagsTakeAValue() {
        for flag in FlagDeclaration.all where flag.value != nil {
            XCTAssertTrue(CompletionShell.bash.script.contains("\n        \(flag.name)) "), "bash does not complete the value of \(flag.name)")
            XCTAssertTrue(CompletionShell.zsh.script.contains("\(flag.name)=["), "zsh does not know \(flag.name) takes a value")
            XCTAssertTrue(CompletionShell.flagsWithValues.contains(flag.name))
        }
    }

    func testAWordAfterEqualsIsNeverRepeated() throws {
        for line in [["plan", "--secret=s3cr3t-value"], ["apply", "token=s3cr3t-value"], ["plan", "--var", "s3cr3t-value"]] {
            XCTAssertThrowsError(try CommandLineOptions(parsing: line)) { error in
                XCTAssertFalse("\(error)".contains("s3cr3t"), "\(line): \(error)")
            }
        }
    }

    func testColourFlags() throws {
        XCTAssertEqual(try CommandLineOptions(parsing: ["plan", "--color=always"]).color, .always)
        XCTAssertEqual(try CommandLineOptions(parsing: ["plan", "--color", "never"]).color, .never)
        XCTAssertEqual(try CommandLineOptions(parsing: ["plan", "--no-color"]).color, .never)
        XCTAssertEqual(try CommandLineOptions(parsing: ["plan", "--no-colour"]).color, .never)
        XCTAssertEqual(try CommandLineOptions(parsing: ["plan", "--colour=always"]).color, .always)
        XCTAssertEqual(try CommandLineOptions(parsing: ["plan"]).color, .auto)
        XCTAssertEqual(ColorChoice.scanning(["plna", "--color=always"]), .always)
        XCTAssertEqual(ColorChoice.scanning(["plna", "--no-color"]), .never)
        XCTAssertEqual(ColorChoice.scanning(["plna", "--color", "sometimes"]), .auto)
    }
}
