import XCTest
import RunbookKit
import RunbookRender
import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookMarkdown
import RunbookHost

final class RunbookLoaderTests: XCTestCase {
    func chapter(_ text: String) throws -> Chapter {
        try RunbookLoader(displayDirectory: "rb").parseChapter(data: Data(text.utf8), name: "01-a.md", file: "rb/01-a.md")
    }

    func testStepsCarryTheirHeadingIdAndLocation() throws {
        let parsed = try chapter("# Title\n\n## Write it\n\n```ini file=/etc/a.conf mode=0600\nx = 1\n```\n\n```sh run always id=hello\necho hi\n```\n")
        XCTAssertEqual(parsed.title, "Title")
        XCTAssertEqual(parsed.steps.map(\.id), ["01-a/1", "hello"])
        XCTAssertEqual(parsed.steps[0].heading, "Write it")
        XCTAssertEqual(parsed.steps[0].location.description, "rb/01-a.md:5:1")
        XCTAssertEqual(parsed.steps[0].body, "x = 1\n")
    }

    func testAStepCarriesTheProseBetweenItsHeadingAndItsBlock() throws {
        let parsed = try chapter("""
            # Title

            Before the first heading.

            ## Write it

            It goes in `/etc/a.conf`,
            as written.

            - a list;

            ```ini file=/etc/a.conf
            x = 1
            ```

            Then the second.

            > ```ini file=/etc/b.conf
            > y = 2
            > ```

            ## Nothing to say

            ```sh run always
            echo hi
            ```

            """)
        XCTAssertEqual(parsed.steps.map(\.prose), [
            ["It goes in `/etc/a.conf`,\nas written.", "- a list;"],
            ["It goes in `/etc/a.conf`,\nas written.", "- a list;", "Then the second."],
            [],
        ])
        XCTAssertEqual(parsed.steps[1].source, "> ```ini file=/etc/b.conf\n> y = 2\n> ```", "the block as written, prefixes included")
    }

    func testAMarkerInsideAQuotedValueIsNoStep() throws {
        // Found by the fuzzer: the loose word split saw `mode=1`, the real parse sees one quoted value.
        XCTAssertTrue(try chapter("```sh title=\"a mode=1\"\necho\n```\n").steps.isEmpty)
    }

    func testAMarkerAfterAStrayEqualsSignIsStillAStep() {
        // `=run` means to be a step; silently showing it as code would mean it never runs.
        XCTAssertThrowsError(try chapter("```sh =run\necho\n```\n")) { error in
            XCTAssertTrue("\(error)".contains("an attribute has no name before '='"), "\(error)")
        }
    }

    func testOrdinaryBlocksNeverRun() throws {
        XCTAssertTrue(try chapter("```sh\nrm -rf /\n```\n\n    indented code\n\n```python title=\"x\"\nprint()\n```\n").steps.isEmpty)
    }
}
