import RunbookKit
import XCTest
import RunbookRender
import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookMarkdown
import RunbookHost

/// What the scanner reports for the shapes runbook chapters take, and for the CommonMark corners
/// that decide whether a block is a step at all. `CmarkAgreementTests` checks info and body against
/// cmark; these check the fields cmark cannot tell us (lines, columns, raw info, closed or not).
final class MarkdownScannerTests: XCTestCase {
    func testAChapterGivesItsHeadingsAndStepBlockInOrder() {
        let document = MarkdownScanner.scan("""
            # Bind Ollama to localhost

            Some prose.

            ## Listen on loopback only

            ```ini file=/etc/systemd/system/ollama.service.d/10-bind-localhost.conf mode=0644 notify=restart-ollama
            [Service]
            Environment="OLLAMA_HOST={{ollama_listen}}"
            ```

            """)
        XCTAssertEqual(document.elements.count, 4)
        XCTAssertEqual(document.paragraphs, [MarkdownParagraph(text: "Some prose.", line: 3)])
        XCTAssertEqual(document.headings, [
            MarkdownHeading(level: 1, text: "Bind Ollama to localhost", line: 1),
            MarkdownHeading(level: 2, text: "Listen on loopback only", line: 5),
        ])
        XCTAssertEqual(document.codeBlocks, [
            MarkdownCodeBlock(
                isFenced: true,
                rawInfo: "ini file=/etc/systemd/system/ollama.service.d/10-bind-localhost.conf mode=0644 notify=restart-ollama",
                info: "ini file=/etc/systemd/system/ollama.service.d/10-bind-localhost.conf mode=0644 notify=restart-ollama",
                body: "[Service]\nEnvironment=\"OLLAMA_HOST={{ollama_listen}}\"\n",
                line: 7, column: 1, infoColumn: 4, bodyLine: 8, isClosed: true),
        ])
    }

    func testParagraphsAreTheProseAsWrittenInsideAnyContainer() {
        let document = MarkdownScanner.scan("""
            [ref]: /url
            A paragraph that  
              runs over *two* lines.

            - `first` item,
              lazily
            continued
            - second

               12) ordered

            > quoted
            > prose
            lazily continued, and no setext heading
            ===

            """)
        XCTAssertEqual(document.paragraphs, [
            MarkdownParagraph(text: "A paragraph that\nruns over *two* lines.", line: 1),
            MarkdownParagraph(text: "`first` item,\nlazily\ncontinued", line: 5, listMarker: "-"),
            MarkdownParagraph(text: "second", line: 8, listMarker: "-"),
            MarkdownParagraph(text: "ordered", line: 10, listMarker: "12)"),
            MarkdownParagraph(text: "quoted\nprose\nlazily continued, and no setext heading\n===", line: 12),
        ], "link reference definitions dropped, container prefixes and blanks around each line too; a list item's first paragraph keeps its marker")
        XCTAssertEqual(MarkdownScanner.scan("Setext\n===\n\n[only]: /a-definition\n").paragraphs, [])
    }

    func testHeadingTextIsTrimmedAndLosesItsClosingSequence() {
        let document = MarkdownScanner.scan("""
            ##   Spaced out   ##
            ### Not # closing#
            #
            #5 is text
            ####### is text
            Two line
            setext heading
            ---
            """)
        XCTAssertEqual(document.headings, [
            MarkdownHeading(level: 2, text: "Spaced out", line: 1),
            MarkdownHeading(level: 3, text: "Not # closing#", line: 2),
            MarkdownHeading(level: 1, text: "", line: 3),
            MarkdownHeading(level: 2, text: "#5 is text ####### is text Two line setext heading", line: 4),
        ])
    }

    func testRawInfoIsAsWrittenWhileInfoIsDecoded() throws {
        let block = try XCTUnwrap(MarkdownScanner.scan("```   sh a\\_b &amp; &#65; &bogus;  \n```\n").codeBlocks.first)
        XCTAssertEqual(block.rawInfo, "sh a\\_b &amp; &#65; &bogus;")
        XCTAssertEqual(block.info, "sh a_b & A &bogus;")
        XCTAssertEqual(block.infoColumn, 7)
        XCTAssertEqual(block.body, "")
    }

    func testQuotedAttributeValuesSurviveInTheRawInfo() throws {
        let text = "```ini file=/etc/x mode=0644 unless=\"ss -ltn | grep -q ':11434 '\"\nx\n```\n"
        let block = try XCTUnwrap(MarkdownScanner.scan(text).codeBlocks.first)
        XCTAssertEqual(block.rawInfo, "ini file=/etc/x mode=0644 unless=\"ss -ltn | grep -q ':11434 '\"")
    }

    func testAFenceWithoutInfoPutsTheInfoColumnJustPastTheFence() throws {
        let block = try XCTUnwrap(MarkdownScanner.scan("  ~~~~\nx\n  ~~~~\n").codeBlocks.first)
        XCTAssertEqual(block.column, 3)
        XCTAssertEqual(block.infoColumn, 7)
        XCTAssertEqual(block.body, "x\n")
    }

    func testAFenceInABlockQuoteInAListItem() throws {
        let block = try XCTUnwrap(MarkdownScanner.scan("""
            1. Step
               > ```sh run
               >   echo hi
               > ```
            """).codeBlocks.first)
        XCTAssertEqual(block.line, 2)
        XCTAssertEqual(block.column, 6)
        XCTAssertEqual(block.infoColumn, 9)
        XCTAssertEqual(block.bodyLine, 3)
        XCTAssertEqual(block.body, "  echo hi\n")
        XCTAssertTrue(block.isClosed)
    }

    func testFenceIndentationIsRemovedFromContentLines() throws {
        let block = try XCTUnwrap(MarkdownScanner.scan("   ```\n     five\n  two\nnone\n   ```\n").codeBlocks.first)
        XCTAssertEqual(block.body, "  five\ntwo\nnone\n")
    }

    func testAFenceLeftOpenRunsToTheEndAndSaysSo() throws {
        let block = try XCTUnwrap(MarkdownScanner.scan("```sh run\necho one\n``` not a closer\n`` nor this\n").codeBlocks.first)
        XCTAssertFalse(block.isClosed)
        XCTAssertEqual(block.body, "echo one\n``` not a closer\n`` nor this\n")
    }

    func testTheEndOfAListItemEndsItsFence() {
        let blocks = MarkdownScanner.scan("- item\n  ```sh\n  echo in item\nout of the item\n").codeBlocks
        XCTAssertEqual(blocks.count, 1)
        XCTAssertEqual(blocks.first?.body, "echo in item\n")
        XCTAssertEqual(blocks.first?.isClosed, false)
    }

    func testTheEndOfABlockQuoteEndsItsFence() {
        let blocks = MarkdownScanner.scan("> ```\n> quoted\nnot lazy\n").codeBlocks
        XCTAssertEqual(blocks.map(\.body), ["quoted\n"])
        XCTAssertEqual(blocks.map(\.isClosed), [false])
    }

    func testIndentedCodeDropsTrailingBlankLinesAndCannotInterruptAParagraph() {
        let blocks = MarkdownScanner.scan("Text\n    not code\n\n    code\n\n      more\n   \n\nAfter\n").codeBlocks
        XCTAssertEqual(blocks, [
            MarkdownCodeBlock(isFenced: false, rawInfo: "", info: "", body: "code\n\n  more\n",
                              line: 4, column: 5, infoColumn: 5, bodyLine: 4, isClosed: true),
        ])
    }

    func testABacktickInABacktickInfoStringMeansNoFence() {
        let blocks = MarkdownScanner.scan("``` not `a` fence\n~~~ a `tilde` fence\nx\n~~~\n").codeBlocks
        XCTAssertEqual(blocks.map(\.rawInfo), ["a `tilde` fence"])
        XCTAssertEqual(blocks.map(\.line), [2])
    }

    func testAnHTMLCommentHidesAFence() {
        let blocks = MarkdownScanner.scan("<!--\n```sh run\nrm -rf /\n```\n-->\n```sh\necho visible\n```\n").codeBlocks
        XCTAssertEqual(blocks.map(\.body), ["echo visible\n"])
        XCTAssertEqual(blocks.map(\.line), [6])
    }

    func testTabsPartlyTakenByContainersBecomeSpaces() {
        let blocks = MarkdownScanner.scan(">\t\tquoted code\n\n- ```\n\tone tab\n  ```\n").codeBlocks
        XCTAssertEqual(blocks.map(\.body), ["  quoted code\n", "  one tab\n"])
    }

    func testEveryKindOfLineEndingCountsAsOneLine() {
        let blocks = MarkdownScanner.scan("# A\r\n\r```sh\r\necho x\r```\r\n").codeBlocks
        XCTAssertEqual(blocks.map(\.line), [3])
        XCTAssertEqual(blocks.map(\.body), ["echo x\n"])
        XCTAssertEqual(blocks.map(\.isClosed), [true])
    }

    func testAByteOrderMarkIsIgnoredAndNULBecomesAReplacementCharacter() throws {
        let block = try XCTUnwrap(MarkdownScanner.scan("\u{FEFF}```sh\na\u{0}b\n```\n").codeBlocks.first)
        XCTAssertEqual(block.column, 1)
        XCTAssertEqual(block.body, "a\u{FFFD}b\n")
    }

    func testALastLineWithoutNewlineStillEndsInANewline() throws {
        let block = try XCTUnwrap(MarkdownScanner.scan("```\nno newline").codeBlocks.first)
        XCTAssertEqual(block.body, "no newline\n")
        XCTAssertFalse(block.isClosed)
    }

    func testLinkReferenceDefinitionsAloneDoNotMakeASetextHeading() {
        let document = MarkdownScanner.scan("[a]: /url\n===\n\n[b]: /b\nReal heading\n---\n")
        XCTAssertEqual(document.headings, [MarkdownHeading(level: 2, text: "Real heading", line: 4)])
    }

    func testAnOrderedListInterruptsAParagraphOnlyFromOne() {
        let document = MarkdownScanner.scan("Text\n2. no list\n    ```\n    not code\n    ```\n\nText\n1. list\n    ```\n    code\n    ```\n")
        XCTAssertEqual(document.codeBlocks.map(\.body), ["code\n"])
        XCTAssertEqual(document.codeBlocks.map(\.column), [5])
    }

    func testAnEmptyDocumentHasNoElements() {
        XCTAssertTrue(MarkdownScanner.scan("").elements.isEmpty)
        XCTAssertTrue(MarkdownScanner.scan("\n\n   \n").elements.isEmpty)
    }
}
