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

/// `runbook help COMMAND` and the parser come from different places; this keeps them agreeing.
final class CommandDeclarationTests: XCTestCase {
    func testEveryCommandsHelpListsExactlyTheFlagsItTakes() throws {
        for declaration in CommandDeclaration.all where declaration.name != "help" {
            let help = try XCTUnwrap(HelpText.commands[declaration.name], "no help for \(declaration.name)")
            let usage = help.components(separatedBy: "\n\n")[0]
            for flag in CommandDeclaration.knownFlags.keys {
                let listed = usage.contains("[\(flag)]") || usage.contains("[\(flag) ")
                XCTAssertEqual(listed, declaration.flags.contains(flag),
                               "the usage of `runbook help \(declaration.name)` and the parser disagree about \(flag):\n\(usage)")
            }
        }
    }

    func testAWordAfterEqualsIsNeverRepeated() throws {
        for line in [["plan", "--secret=s3cr3t-value"], ["apply", "token=s3cr3t-value"], ["plan", "--var", "s3cr3t-value"]] {
            XCTAssertThrowsError(try CommandLineOptions(parsing: line)) { error in
                XCTAssertFalse("\(error)".contains("s3cr3t"), "\(line): \(error)")
            }
        }
    }
}
