import XCTest
import RunbookRender
import RunbookSteps
import RunbookModel

/// What a reader of a chapter is told: a `file=` or `link=` block's path is named just above it,
/// and the prose `apply --step` shows is wrapped to the terminal.
final class ChapterProseTests: XCTestCase {
    func problems(_ text: String) throws -> [String] {
        let chapter = try RunbookLoader(displayDirectory: "rb").parseChapter(data: Data(text.utf8), name: "01-a.md", file: "rb/01-a.md")
        return PlacesNamedInProse.problems(in: chapter.steps, vocabulary: StepRegistry.standard.vocabulary).map(\.description)
    }

    func testThePathIsNamedInTheParagraphJustAboveOrInTheHeading() throws {
        XCTAssertEqual(try problems("""
            ## Named in the heading: /etc/a.conf

            ```ini file=/etc/a.conf
            ```

            It goes in `/etc/{{name}}/b.conf`.

            ```ini file=/etc/{{name}}/b.conf
            ```

            ```sh link=/etc/c to=/etc/a.conf
            ln -s /etc/a.conf /etc/c
            ```

            ## Links

            The paragraph names `/etc/c` and, for the block after the next, `/etc/d`: both are below it.

            ```sh link=/etc/c to=/etc/a.conf
            ln -s /etc/a.conf /etc/c
            ```

            ```sh link=/etc/d to=/etc/a.conf
            ln -s /etc/a.conf /etc/d
            ```

            """), [
            "rb/01-a.md:11:1: error: the prose just above this block does not name /etc/c, so a reader following the chapter by hand is not told where it goes (name /etc/c in the paragraph before the block or in its heading)",
        ])
    }

    func testANameMustBeThePathItselfNotALongerOne() throws {
        for (prose, named) in [("`/etc/site`", true), ("/etc/site.", true), ("(/etc/site)", true), ("/etc/site-http", false),
                               ("/etc/site.conf", false), ("/etc/site/x", false), ("x/etc/site", false), ("/etc/sit", false)] {
            XCTAssertEqual(PlacesNamedInProse.names("/etc/site", "It goes in \(prose) here"), named, prose)
        }
        XCTAssertEqual(try problems("Only an earlier paragraph names /etc/a.conf.\n\nThis one does not.\n\n```ini file=/etc/a.conf\n```\n").count, 1,
                       "the paragraph just before the block")
        XCTAssertEqual(try problems("```sh run always\necho /etc/a.conf\n```\n\n```sh absent=/etc/a.conf\nrm /etc/a.conf\n```\n"), [],
                       "only file and link steps name a place the reader must be told")
    }

    func testProseIsWrappedToTheWidthWithListItemsHangingUnderTheirMarker() {
        XCTAssertEqual(ProseWrapping.lines(of: "One two three\nfour five six seven.", width: 14), ["One two three", "four five six", "seven."])
        XCTAssertEqual(ProseWrapping.lines(of: "12. an ordered item that wraps", width: 16), ["12. an ordered", "    item that", "    wraps"])
        XCTAssertEqual(ProseWrapping.lines(of: "- x /a/very/long/path/that/does/not/fit y", width: 10),
                       ["- x", "  /a/very/long/path/that/does/not/fit", "  y"], "a word wider than the line is not broken")
        XCTAssertEqual(ProseWrapping.lines(of: "-not a marker", width: 6), ["-not a", "marker"])
    }
}
