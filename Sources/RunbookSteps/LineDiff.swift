import RunbookModel
import RunbookHost

/// Which lines of two texts are not shared, found with Myers' linear-space refinement (the middle
/// snake, as GNU diff does it): memory stays proportional to the two lengths, never to their
/// product, so a 30,000-line /etc/hosts plans in megabytes.
///
/// The search is bounded by `budget` diagonal steps. A pair whose cheapest difference costs more is
/// shown coarsely, the rest of the region as removed and then added, which is still an exact diff
/// (applying it gives the new text), and `isCoarse` says so.
package struct LineDiff {
    package private(set) var removed: [Bool]
    package private(set) var added: [Bool]
    package private(set) var isCoarse = false
    private let old: [Int], new: [Int]
    private var budget: Int
    // Furthest x reached on each diagonal k = x - y, stored at k + diagonalOffset; one pair of
    // buffers serves every region, which is what keeps the space linear.
    private var forward: [Int], backward: [Int]
    private let diagonalOffset: Int

    /// Roughly a tenth of a second of work; enough for thousands of scattered edits in a long file.
    package static let defaultBudget = 20_000_000

    package init(_ oldLines: [String], _ newLines: [String], budget: Int = defaultBudget) {
        var ids: [String: Int] = [:]
        let intern = { (line: String) -> Int in
            if let id = ids[line] { return id }
            ids[line] = ids.count
            return ids.count - 1
        }
        old = oldLines.map(intern)
        new = newLines.map(intern)
        removed = [Bool](repeating: false, count: old.count)
        added = [Bool](repeating: false, count: new.count)
        self.budget = budget
        diagonalOffset = new.count + 1
        forward = [Int](repeating: 0, count: old.count + new.count + 3)
        backward = forward
        compare(oldRange: 0..<old.count, newRange: 0..<new.count)
    }

    private mutating func compare(oldRange: Range<Int>, newRange: Range<Int>) {
        var xLow = oldRange.lowerBound, xHigh = oldRange.upperBound
        var yLow = newRange.lowerBound, yHigh = newRange.upperBound
        while xLow < xHigh, yLow < yHigh, old[xLow] == new[yLow] { xLow += 1; yLow += 1 }
        while xLow < xHigh, yLow < yHigh, old[xHigh - 1] == new[yHigh - 1] { xHigh -= 1; yHigh -= 1 }
        if xLow == xHigh || yLow == yHigh {
            markChanged(xLow..<xHigh, yLow..<yHigh)
        } else if let (x, y) = middleSnake(xLow, xHigh, yLow, yHigh) {
            compare(oldRange: xLow..<x, newRange: yLow..<y)
            compare(oldRange: x..<xHigh, newRange: y..<yHigh)
        } else {
            isCoarse = true
            markChanged(xLow..<xHigh, yLow..<yHigh)
        }
    }

    private mutating func markChanged(_ oldRange: Range<Int>, _ newRange: Range<Int>) {
        for x in oldRange { removed[x] = true }
        for y in newRange { added[y] = true }
    }

    /// A point on a shortest path through the region, found by searching from both corners until
    /// the searches overlap; nil once the budget is spent. The caller has trimmed the common prefix
    /// and suffix, so both corners start on a mismatch.
    private mutating func middleSnake(_ xLow: Int, _ xHigh: Int, _ yLow: Int, _ yHigh: Int) -> (Int, Int)? {
        let o = diagonalOffset
        let lowestDiagonal = xLow - yHigh, highestDiagonal = xHigh - yLow
        let forwardMiddle = xLow - yLow, backwardMiddle = xHigh - yHigh
        var forwardMin = forwardMiddle, forwardMax = forwardMiddle
        var backwardMin = backwardMiddle, backwardMax = backwardMiddle
        let odd = (forwardMiddle - backwardMiddle) & 1 != 0
        forward[forwardMiddle + o] = xLow
        backward[backwardMiddle + o] = xHigh
        while true {
            budget -= (forwardMax - forwardMin + backwardMax - backwardMin) / 2 + 2
            if budget < 0 { return nil }
            if forwardMin > lowestDiagonal { forwardMin -= 1; forward[forwardMin - 1 + o] = -1 } else { forwardMin += 1 }
            if forwardMax < highestDiagonal { forwardMax += 1; forward[forwardMax + 1 + o] = -1 } else { forwardMax -= 1 }
            for d in stride(from: forwardMax, through: forwardMin, by: -2) {
                let below = forward[d - 1 + o], above = forward[d + 1 + o]
                var x = below < above ? above : below + 1
                var y = x - d
                while x < xHigh, y < yHigh, old[x] == new[y] { x += 1; y += 1 }
                if odd, backwardMin <= d, d <= backwardMax, backward[d + o] <= x { return (x, y) }
                forward[d + o] = x
            }
            if backwardMin > lowestDiagonal { backwardMin -= 1; backward[backwardMin - 1 + o] = Int.max } else { backwardMin += 1 }
            if backwardMax < highestDiagonal { backwardMax += 1; backward[backwardMax + 1 + o] = Int.max } else { backwardMax -= 1 }
            for d in stride(from: backwardMax, through: backwardMin, by: -2) {
                let below = backward[d - 1 + o], above = backward[d + 1 + o]
                var x = below < above ? below : above - 1
                var y = x - d
                while xLow < x, yLow < y, old[x - 1] == new[y - 1] { x -= 1; y -= 1 }
                if !odd, forwardMin <= d, d <= forwardMax, x <= forward[d + o] { return (x, y) }
                backward[d + o] = x
            }
        }
    }
}
