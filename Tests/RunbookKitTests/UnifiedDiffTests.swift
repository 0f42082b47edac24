import XCTest
import RunbookKit
import RunbookRender
import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookMarkdown
import RunbookHost

final class UnifiedDiffTests: XCTestCase {
    func testChangedLineWithContext() {
        let old = (1...10).map { "line \($0)" }.joined(separator: "\n") + "\n"
        let new = old.replacingOccurrences(of: "line 5\n", with: "line five\n")
        XCTAssertEqual(UnifiedDiff.make(old: old, new: new, oldLabel: "a", newLabel: "b"), """
        --- a
        +++ b
        @@ -2,7 +2,7 @@
         line 2
         line 3
         line 4
        -line 5
        +line five
         line 6
         line 7
         line 8

        """)
    }

    func testNewFile() {
        XCTAssertEqual(UnifiedDiff.make(old: "", new: "x\ny\n", oldLabel: "/dev/null", newLabel: "f"),
                       "--- /dev/null\n+++ f\n@@ -0,0 +1,2 @@\n+x\n+y\n")
    }

    func testIdenticalTextsHaveNoHunks() {
        XCTAssertEqual(UnifiedDiff.make(old: "a\n", new: "a\n", oldLabel: "a", newLabel: "b"), "--- a\n+++ b\n")
    }

    func testMissingFinalNewlineIsShown() {
        XCTAssertTrue(UnifiedDiff.make(old: "a", new: "a\n", oldLabel: "a", newLabel: "b").contains("\\ No newline at end of file"))
    }
}
