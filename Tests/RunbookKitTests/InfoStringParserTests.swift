import XCTest
import RunbookKit
import RunbookRender
import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookMarkdown
import RunbookHost

final class InfoStringParserTests: XCTestCase {
    let start = SourceLocation(file: "c.md", line: 3, column: 4)

    func testSplitsFlagsAndQuotedValues() throws {
        let words = try InfoStringParser.words(in: #"ini file=/etc/x mode=0644 unless="ss -ltn | grep -q ':11434 '" run"#, at: start)
        XCTAssertEqual(words.map(\.key), ["ini", "file", "mode", "unless", "run"])
        XCTAssertEqual(words[3].value, "ss -ltn | grep -q ':11434 '")
        XCTAssertNil(words[4].value)
        XCTAssertEqual(words[1].location.column, 8, "columns count from the info string's start")
    }

    func testEscapesInDoubleQuotesAndLiteralSingleQuotes() throws {
        let words = try InfoStringParser.words(in: #"http check contains="\"done\":true" x='a\b'"#, at: start)
        XCTAssertEqual(words[2].value, #""done":true"#)
        XCTAssertEqual(words[3].value, #"a\b"#)
    }

    func testUnclosedQuoteNamesItsColumn() {
        XCTAssertThrowsError(try InfoStringParser.words(in: #"sh run unless="test -f /x"#, at: start)) { error in
            XCTAssertEqual("\(error)", "c.md:3:18: error: the quoted value of 'unless' is never closed (end it with \")")
        }
    }

    func testTextGluedToAQuotedValueIsRefused() {
        XCTAssertThrowsError(try InfoStringParser.words(in: #"sh run unless="a"b"#, at: start)) { error in
            XCTAssertTrue("\(error)".contains("unexpected text after the quoted value of 'unless'"))
        }
    }
}
