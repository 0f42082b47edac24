import XCTest
import RunbookKit
import RunbookRender
import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookMarkdown
import RunbookHost

/// A declaration may wrap: an indented line continues the one above, so a vars block stays
/// inside a 100-column code box on GitHub. Errors still point at the exact line and column.
final class WrappedDeclarationTests: XCTestCase {
    let here = SourceLocation(file: "README.md", line: 10, column: 1)

    func testIndentedLinesContinueTheDeclarationAbove() throws {
        let parsed = try VariableDeclaration.parse(block: """
        domain  example=inference.example.com
                pattern='[a-z.]+'
                about="The name clients use"
        # a comment between declarations
        port    default=80
            type=integer  about="Port"
        """, start: here)
        XCTAssertEqual(parsed.map(\.name), ["domain", "port"])
        XCTAssertEqual(parsed[0].pattern, "[a-z.]+")
        XCTAssertEqual(parsed[0].about, "The name clients use")
        XCTAssertEqual(parsed[0].defaultLocation?.description, "README.md:10:17")
        XCTAssertEqual(parsed[1].type, .integer)
        XCTAssertEqual(parsed[1].location.description, "README.md:14:1")
    }

    func testAnErrorOnAContinuationLineNamesItsLineAndColumn() {
        XCTAssertThrowsError(try VariableDeclaration.parse(block: """
        domain  default=example.com
                patern='[a-z.]+'
                about="Name"
        """, start: here)) { error in
            XCTAssertEqual("\(error)", "README.md:11:9: error: unknown variable attribute 'patern' (did you mean 'pattern'?)")
        }
        XCTAssertThrowsError(try VariableDeclaration.parse(block: "port default=1 about=\"P\"\n\n    type=integer\n", start: here)) { error in
            XCTAssertEqual("\(error)", "README.md:12:5: error: this indented line continues a declaration, but none is above it "
                + "(start a declaration at the beginning of its line, with the variable's name; indent only the lines that continue it)")
        }
    }

    /// A chapter reports each broken declaration and keeps the others.
    func testABrokenWrappedDeclarationHidesOnlyItsOwnVariable() throws {
        let text = "```text vars\na default=1\n  bad=x\n  about=\"A\"\nb default=2\n  about=\"B\"\n```\n"
        let parsed = try RunbookLoader(displayDirectory: "rb").parseChapterAsFarAsPossible(data: Data(text.utf8), name: "01-a.md", file: "rb/01-a.md")
        XCTAssertEqual(parsed.chapter?.variables.map(\.name), ["b"])
        XCTAssertEqual(parsed.problems.map(\.description), ["rb/01-a.md:3:3: error: unknown variable attribute 'bad' (variables take about, "
            + "default, example, generated, hint, minlength, pattern, required, secret, type, values)"])
        XCTAssertTrue(parsed.unsure.variables.contains("a"))
    }
}
