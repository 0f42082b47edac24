import RunbookKit
import RunbookRender
import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookMarkdown
import RunbookHost

/// The Markdown scanner alone, in-process: `MarkdownScanner.scan` over one generated chapter of
/// about 10 MB (some 25,000 steps), so that what is measured is parsing, not starting a process.
struct ScanBenchmark {
    var targetBytes: Int
    var runs: Int
    var warmups: Int

    func run() -> ScanResult {
        Self.measure(chapter(ofAtLeast: targetBytes), runs: runs, warmups: warmups)
    }

    static func measure(_ text: String, runs: Int, warmups: Int) -> ScanResult {
        var seconds: [Double] = []
        var elementCount = 0
        for index in 0..<(warmups + runs) {
            let start = MonotonicClock.nanoseconds()
            let document = MarkdownScanner.scan(text)
            let elapsed = MonotonicClock.secondsSince(start)
            elementCount = document.elements.count
            if index >= warmups { seconds.append(elapsed) }
        }
        return ScanResult(byteCount: text.utf8.count, elementCount: elementCount, seconds: SampleSummary(seconds))
    }

    /// One ``SyntheticChapter`` with as many steps as it takes to reach `bytes`.
    private func chapter(ofAtLeast bytes: Int) -> String {
        let sample = SyntheticChapter(number: 1, stepCount: 100).text.utf8.count
        var steps = max(10, bytes * 100 / sample + 10)
        var text = SyntheticChapter(number: 1, stepCount: steps).text
        while text.utf8.count < bytes {
            steps += steps / 10 + 10
            text = SyntheticChapter(number: 1, stepCount: steps).text
        }
        return text
    }
}
