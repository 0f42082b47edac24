import XCTest
import RunbookKit
import RunbookRender
import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookMarkdown
import RunbookHost

/// The diff a reviewer approves must be exact (it turns the old text into the new one) and small,
/// and a long file must not cost memory quadratic in its length.
final class LineDiffTests: XCTestCase {
    func testThirtyThousandLinesWithScatteredEditsGiveTheSmallestExactDiff() {
        let old = (1...30_000).map { "10.0.\($0 / 256).\($0 % 256) host-\($0)" }
        var new = old
        var edits = 0
        for index in stride(from: 29_000, through: 100, by: -997) {
            new[index] = "changed \(index)"
            new.insert("inserted \(index)", at: index + 2)
            new.remove(at: index - 50)
            edits += 4
        }
        let diff = UnifiedDiff.make(old: text(old), new: text(new), oldLabel: "a", newLabel: "b")
        XCTAssertFalse(diff.hasPrefix(UnifiedDiff.coarseNotice))
        XCTAssertEqual(apply(diff, to: old), new)
        XCTAssertEqual(changedLines(diff), edits)
    }

    func testThirtyThousandRewrittenLinesAreShownCoarselyAndSaySo() {
        let old = (1...30_000).map { "old line \($0)" }, new = (1...30_000).map { "new line \($0)" }
        let diff = UnifiedDiff.make(old: text(old), new: text(new), oldLabel: "a", newLabel: "b")
        XCTAssertTrue(diff.hasPrefix(UnifiedDiff.coarseNotice))
        XCTAssertEqual(apply(diff, to: old), new)
    }

    /// Random small texts over a three-line alphabet, checked against the textbook LCS table.
    func testRandomTextsGiveExactMinimalDiffs() {
        let count = Int(ProcessInfo.processInfo.environment["RUNBOOK_DIFF_CASES"] ?? "") ?? 2000
        var state: UInt64 = UInt64(ProcessInfo.processInfo.environment["RUNBOOK_DIFF_SEED"] ?? "") ?? 1
        let next = { (bound: Int) -> Int in
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return Int((state >> 33) % UInt64(bound))
        }
        var wrong = 0
        for _ in 0..<count {
            let old = (0..<next(30)).map { _ in ["a", "b", "c"][next(3)] }
            let new = (0..<next(30)).map { _ in ["a", "b", "c"][next(3)] }
            let diff = UnifiedDiff.make(old: text(old), new: text(new), oldLabel: "a", newLabel: "b")
            if apply(diff, to: old) != new || changedLines(diff) != old.count + new.count - 2 * lcs(old, new) {
                wrong += 1
            }
        }
        print("line diff: \(count) random cases, \(wrong) inexact or not minimal")
        XCTAssertEqual(wrong, 0)
    }

    func testSpentBudgetStillGivesAnExactDiff() {
        let old = (0..<400).map { "\($0 % 7)" }, new = (0..<400).map { "\($0 % 5)" }
        let diff = LineDiff(old, new, budget: 50)
        XCTAssertTrue(diff.isCoarse)
        var rebuilt: [String] = []
        var x = 0, y = 0
        while x < old.count || y < new.count {
            if x < old.count, diff.removed[x] { x += 1 } else if y < new.count, diff.added[y] {
                rebuilt.append(new[y]); y += 1
            } else {
                XCTAssertEqual(old[x], new[y]); rebuilt.append(old[x]); x += 1; y += 1
            }
        }
        XCTAssertEqual(rebuilt, new)
    }

    private func text(_ lines: [String]) -> String {
        lines.map { $0 + "\n" }.joined()
    }

    private func changedLines(_ diff: String) -> Int {
        diff.split(separator: "\n").filter { ($0.hasPrefix("-") && !$0.hasPrefix("---"))
            || ($0.hasPrefix("+") && !$0.hasPrefix("+++")) }.count
    }

    /// Applies the hunks as `patch` would, checking every context and removed line against the old
    /// text, so a hunk that lies about what it replaces fails.
    private func apply(_ diff: String, to old: [String]) -> [String]? {
        var result: [String] = []
        var cursor = 0
        for line in diff.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("@@") {
                let oldStart = Int(line.split(separator: " ")[1].dropFirst().split(separator: ",")[0])!
                let oldCount = Int(line.split(separator: " ")[1].split(separator: ",")[1])!
                let target = oldCount == 0 ? oldStart : oldStart - 1
                guard target >= cursor else { return nil }
                result += old[cursor..<target]
                cursor = target
            } else if line.hasPrefix(" ") || (line.hasPrefix("-") && !line.hasPrefix("---")) {
                guard cursor < old.count, old[cursor] == line.dropFirst() else { return nil }
                if line.hasPrefix(" ") { result.append(old[cursor]) }
                cursor += 1
            } else if line.hasPrefix("+"), !line.hasPrefix("+++") {
                result.append(String(line.dropFirst()))
            }
        }
        return result + old[cursor...]
    }

    private func lcs(_ a: [String], _ b: [String]) -> Int {
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in a.indices.reversed() {
            for j in b.indices.reversed() {
                table[i][j] = a[i] == b[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
            }
        }
        return table[0][0]
    }
}
