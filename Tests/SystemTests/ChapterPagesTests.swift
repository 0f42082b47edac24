import Foundation
import RunbookTestSupport
import XCTest
import RunbookMarkdown
import RunbookModel

/// Every chapter as a reader sees it on GitHub: rendered by `cmark-gfm` (GitHub's Markdown) into a
/// page whose code boxes are 100 columns wide, loaded in a real headless Chromium, which measures
/// that no line of a step block overflows its box, and screenshotted into docs/chapters/.
final class ChapterPagesTests: XCTestCase {
    static let runbook = RunbookBinary.packageRoot.appendingPathComponent("Runbook")
    static let screenshots = RunbookBinary.packageRoot.appendingPathComponent("docs/chapters")
    static let columns = 100

    func testEveryChapterRendersWithItsStepBlocksInsideA100ColumnCodeBox() throws {
        try RequiredTools.require(["cmark-gfm"])
        let base = try makeTemporaryDirectory(self, "chapter-pages")
        let names = try FileManager.default.contentsOfDirectory(atPath: Self.runbook.path).filter { $0.hasSuffix(".md") }.sorted()
        XCTAssertEqual(names.count, 9)
        for name in names {
            let text = try String(contentsOf: Self.runbook.appendingPathComponent(name), encoding: .utf8)
            let chapter = try RunbookLoader(displayDirectory: "Runbook").parseChapter(data: Data(text.utf8), name: name, file: "Runbook/\(name)")
            // Which code boxes are steps: cmark-gfm writes one <pre> per code block, in the order the scanner finds them.
            let stepLines = Set(chapter.steps.map(\.location.line))
            let codeBlocks = MarkdownScanner.scan(text).codeBlocks
            let stepBoxes = codeBlocks.indices.filter { stepLines.contains(codeBlocks[$0].line) }
            XCTAssertEqual(stepBoxes.count, chapter.steps.count, name)

            let rendered = try Subprocess.run("/usr/bin/cmark-gfm", ["--extension", "table", "--extension", "autolink",
                                                                      "--extension", "strikethrough", "--extension", "tagfilter",
                                                                      Self.runbook.appendingPathComponent(name).path])
            XCTAssertEqual(rendered.status, 0, rendered.stderr)
            let page = base.appendingPathComponent(name.replacingOccurrences(of: ".md", with: ".html"))
            try Self.page(body: rendered.stdout, stepBoxes: stepBoxes).write(to: page, atomically: true, encoding: .utf8)

            let dom = try HeadlessChromium.run(["--dump-dom", page.absoluteURL.absoluteString], for: self)
            XCTAssertEqual(dom.status, 0, dom.stderr)
            XCTAssertTrue(dom.stdout.contains("data-code-boxes=\"\(codeBlocks.count)\""), "\(name): one code box per code block")
            XCTAssertEqual(dom.stdout.components(separatedBy: "data-step=\"\"").count - 1, stepBoxes.count, name)
            let overflowing = dom.stdout.components(separatedBy: "data-overflows=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
            XCTAssertEqual(overflowing, [], "\(name): these code boxes, steps, have a line wider than \(Self.columns) columns")
            for step in chapter.steps {
                for line in step.body.lines() where line.count > Self.columns {
                    XCTFail("\(step.location): a line of \(line.count) characters, wider than the \(Self.columns)-column code box: \(line.prefix(60))…")
                }
            }

            let height = dom.stdout.range(of: "data-height=\"").map { Int(dom.stdout[$0.upperBound...].prefix { $0.isNumber }) ?? 0 } ?? 0
            XCTAssertGreaterThan(height, 200, name)
            let screenshot = base.appendingPathComponent(name.replacingOccurrences(of: ".md", with: ".png"))
            let shot = try HeadlessChromium.run(["--screenshot=\(screenshot.path)", "--window-size=1100,\(height)", "--hide-scrollbars",
                                                 page.absoluteURL.absoluteString], for: self)
            XCTAssertEqual(shot.status, 0, shot.stderr)
            let png = try Data(contentsOf: screenshot)
            XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "\(name): a PNG")
            XCTAssertGreaterThan(png.count, 20_000, "\(name): a page with content, not a blank one")
            let committed = Self.screenshots.appendingPathComponent(screenshot.lastPathComponent)
            if ProcessInfo.processInfo.environment["RUNBOOK_RECORD_SNAPSHOTS"] == "1" {
                try? FileManager.default.removeItem(at: committed)
                try FileManager.default.copyItem(at: screenshot, to: committed)
            }
            XCTAssertTrue(FileManager.default.fileExists(atPath: committed.path),
                          "docs/chapters/ has no screenshot of \(name); record it with RUNBOOK_RECORD_SNAPSHOTS=1")
        }
    }

    /// GitHub's look, near enough: code boxes `columns` characters wide, scrolling what is wider.
    /// The script marks the step boxes, the ones that overflow (by their index among the boxes),
    /// and the page's height for the screenshot.
    static func page(body: String, stepBoxes: [Int]) -> String {
        """
        <!doctype html>
        <html><head><meta charset="utf-8"><style>
        body { font: 16px/1.5 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; color: #1f2328;
               max-width: 980px; margin: 32px auto; padding: 0 45px; }
        h1, h2 { border-bottom: 1px solid #d1d9e0; padding-bottom: .3em; }
        code { font: 85% ui-monospace, "DejaVu Sans Mono", monospace; background: #eff1f3; padding: .2em .4em; border-radius: 6px; }
        pre { font: 13.6px/1.45 ui-monospace, "DejaVu Sans Mono", monospace; background: #f6f8fa; border-radius: 6px;
              padding: 16px; width: \(columns)ch; overflow-x: auto; }
        pre code { font: inherit; background: none; padding: 0; }
        table { border-collapse: collapse; } th, td { border: 1px solid #d1d9e0; padding: 6px 13px; }
        </style></head><body>
        \(body)
        <script>
        const boxes = document.querySelectorAll('pre');
        document.body.setAttribute('data-code-boxes', boxes.length);
        for (const index of [\(stepBoxes.map(String.init).joined(separator: ", "))]) {
          const box = boxes[index];
          box.setAttribute('data-step', '');
          if (box.scrollWidth > box.clientWidth) box.setAttribute('data-overflows', index);
        }
        document.body.setAttribute('data-height', document.documentElement.scrollHeight);
        </script>
        </body></html>
        """
    }
}
