import XCTest
import RunbookKit
import RunbookRender
import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookMarkdown
import RunbookHost

/// `check` goes on past problems: each layer works with what the one before could read, and
/// leaves out what only repeats a problem already reported.
final class PartialPreparationTests: XCTestCase {
    let here = SourceLocation(file: "rb/01-a.md", line: 4)

    func parsed(_ text: String) throws -> ParsedChapter {
        try RunbookLoader(displayDirectory: "rb").parseChapterAsFarAsPossible(data: Data(text.utf8), name: "01-a.md", file: "rb/01-a.md")
    }

    func testABrokenBlockHidesOnlyItselfAndKeepsItsNumber() throws {
        let chapter = try parsed("""
            ```sh run always mdoe=1
            true
            ```

            ```sh handler=restart-app whne=x
            true
            ```

            ```sh run always
            true
            ```

            """)
        XCTAssertEqual(chapter.problems.count, 2)
        XCTAssertEqual(chapter.chapter?.steps.map(\.id), ["01-a/3"], "the default id does not move when the blocks before it are fixed")
        XCTAssertEqual(chapter.unsure.handlers, ["restart-app"])
    }

    func testAVarsLineWithAnErrorHidesOnlyItsVariable() throws {
        let chapter = try parsed("""
            ```text vars
            domain  default=example.com  about="The name"
            port    default=80  type=integr  about="The port"
            default=x about="no name"
            ```

            """)
        XCTAssertEqual(chapter.chapter?.variables.map(\.name), ["domain"])
        XCTAssertEqual(chapter.unsure.variables, ["port"])
        XCTAssertTrue(chapter.unsure.anyVariable, "a line without a name may have declared any variable")
    }

    func testAMistypedVarsBlockStillDeclaresItsVariables() throws {
        let chapter = try parsed("```text vras\ndomain  default=example.com  about=\"The name\"\n```\n")
        XCTAssertEqual(chapter.problems.count, 1)
        XCTAssertEqual(chapter.chapter?.variables.map(\.name), ["domain"])
    }

    func testAnUnreadableChapterMakesEveryUndeclaredNameUnsure() throws {
        let chapter = try parsed("# A\r\n")
        XCTAssertNil(chapter.chapter)
        XCTAssertTrue(chapter.unsure.coversVariable("anything", declared: false))
        XCTAssertFalse(chapter.unsure.coversVariable("declared", declared: true))
    }

    func testResolutionLeavesOutOnlyTheVariablesWithProblems() throws {
        let declarations = try VariableDeclaration.parse(block: """
            domain  default=example.com  about="The name"
            port    default=80  type=integer  about="The port"
            url     default="https://{{domain}}:{{port}}/"  about="Where it answers"
            site    default="/srv/{{broken}}"  about="Depends on a declaration with an error"
            domain  default=other.example.com  about="Declared twice"
            """, start: here)
        var unsure = UnsureNames()
        unsure.variables = ["broken"]
        let resolution = try PartialResolution(declarations: declarations, given: [VariableInput(name: "port", value: "abc", location: nil)],
                                               storedSecrets: [:], unsure: unsure, givenIsComplete: true)
        XCTAssertEqual(resolution.problems.map(\.description), [
            "rb/01-a.md:8:1: error: variable 'domain' is declared twice (it is first declared at rb/01-a.md:4:1)",
            "--var port: error: 'port' must be a whole number (see its declaration at rb/01-a.md:5:1)",
        ])
        XCTAssertEqual(resolution.variables.values["domain"], "example.com")
        XCTAssertNil(resolution.variables.values["port"].flatMap { $0 == "abc" ? $0 : nil }, "a refused value is never used")
        XCTAssertEqual(resolution.unsure.variables, ["broken", "site", "port"])
    }
}
