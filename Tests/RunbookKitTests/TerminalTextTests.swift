import Foundation
import XCTest
import RunbookRender

/// What reaches a terminal: red error labels, and tables whose columns fit their cells.
final class TerminalTextTests: XCTestCase {
    func testErrorLabelsAreRedAndNothingElseIs() {
        let style = TextStyle(enabled: true)
        XCTAssertEqual(style.errorLabels("Runbook/a.md:3:1: error: bad (fix it)"),
                       "Runbook/a.md:3:1: \u{1B}[1m\u{1B}[31merror:\u{1B}[0m\u{1B}[0m bad (fix it)")
        XCTAssertEqual(style.errorLabels("error: restoring failed\nnext line"),
                       "\u{1B}[1m\u{1B}[31merror:\u{1B}[0m\u{1B}[0m restoring failed\nnext line")
        XCTAssertEqual(style.errorLabels("note: all is well"), "note: all is well")
        XCTAssertEqual(TextStyle(enabled: false).errorLabels("x: error: y"), "x: error: y")
    }

    func testSnapshotTableColumnsAreAsWideAsTheirCells() {
        let lines = TextTable(header: ["ID", "OUTCOME", "PATHS"], rows: [["1", "succeeded, undone by 12", "21"], ["12", "ok", "3"]]).lines()
        XCTAssertEqual(lines, ["ID  OUTCOME                  PATHS", "1   succeeded, undone by 12  21", "12  ok                       3"])
    }
}
