import Foundation
import RunbookTestSupport
import XCTest

/// `runbook plan --html FILE`, loaded in a real headless Chromium: one self-contained page (no
/// script, no external asset) with the summary table, the variables, every chapter and step with
/// a link to its source line, coloured diffs (long ones folded), whole scripts, and no secret.
final class ReviewPageTests: XCTestCase {
    let secret = String(repeating: "9f", count: 32)

    func chromium(_ arguments: [String]) throws -> Subprocess.Result { try HeadlessChromium.run(arguments, for: self) }

    func testTheShippedRunbooksReviewPage() throws {
        let base = try makeTemporaryDirectory(self, "review")
        let root = base.appendingPathComponent("root")
        // A keys file with an older key: its change is summarised by hashes, never shown.
        try write("map $http_x_ollama_key $ollama_key_ok {\n    \"\(String(repeating: "0a", count: 32))\" 1;\n}\n",
                  to: root.appendingPathComponent("etc/nginx/inference-keys.conf"), mode: 0o600)
        let page = base.appendingPathComponent("plan.html")
        let arguments = ["--root", root.path, "--state-dir", base.appendingPathComponent("state").path, "--var", "secret=\(secret)"]
        let plan = try RunbookBinary.run(["plan", "--html", page.path] + arguments)
        XCTAssertEqual(plan.status, 2, plan.all)
        XCTAssertTrue(plan.stderr.contains("The review page is \(page.path)."), plan.stderr)
        let html = try String(contentsOf: page, encoding: .utf8)
        XCTAssertFalse(html.contains(secret), "no secret in the page")
        XCTAssertFalse(html.contains(String(repeating: "0a", count: 32)), "no earlier secret in the page either")
        for external in ["<script", "<link", "<img", " src=", "@import", "url("] {
            XCTAssertFalse(html.contains(external), "self-contained: no \(external)")
        }

        let dom = try chromium(["--dump-dom", page.absoluteURL.absoluteString])
        XCTAssertEqual(dom.status, 0, dom.stderr)
        XCTAssertTrue(dom.stdout.contains("<table class=\"summary\">"), "a summary table at the top")
        XCTAssertTrue(dom.stdout.contains("<section id=\"variables\">"), "the variables in effect")
        XCTAssertFalse(dom.stdout.contains(secret))
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(try RunbookBinary.run(["plan", "--json"] + arguments).stdout.utf8))
                                 as? [String: Any])
        let chapters = try XCTUnwrap(json["chapters"] as? [[String: Any]])
        XCTAssertEqual(dom.stdout.components(separatedBy: "<section class=\"chapter\"").count - 1, chapters.count, "one section per chapter")
        for chapter in chapters {
            XCTAssertTrue(dom.stdout.contains("<section class=\"chapter\" id=\"chapter-\(chapter["name"] as? String ?? "")\">"))
            for step in chapter["steps"] as? [[String: Any]] ?? [] {
                let id = step["id"] as? String ?? ""
                let location = step["location"] as? [String: Any] ?? [:]
                XCTAssertTrue(dom.stdout.contains("id=\"step-\(id)\""), "an article for \(id)")
                XCTAssertTrue(dom.stdout.contains("href=\"\(location["file"] as? String ?? "")#L\(location["line"] as? Int ?? 0)\""),
                              "\(id) links to its source line")
            }
        }
        XCTAssertTrue(dom.stdout.contains("<details class=\"diff\" open=\"\"><summary>diff,"), "a short diff is open")
        XCTAssertTrue(dom.stdout.contains("<details class=\"diff\"><summary>diff,"), "a long diff is folded, open without JavaScript")
        XCTAssertTrue(dom.stdout.contains("<span class=\"add\">+[Service]</span>"), "diff lines are coloured by kind")
        XCTAssertTrue(dom.stdout.contains("<pre class=\"script\">systemctl daemon-reload\nsystemctl reset-failed ollama\nsystemctl restart ollama</pre>"),
                      "whole scripts")
        XCTAssertTrue(dom.stdout.contains("content of a file holding a secret, not shown"), "the keys file's change is a summary")

        let screenshot = base.appendingPathComponent("plan.png")
        let shot = try chromium(["--screenshot=\(screenshot.path)", "--window-size=1280,2400", "--hide-scrollbars",
                                 page.absoluteURL.absoluteString])
        XCTAssertEqual(shot.status, 0, shot.stderr)
        let png = try Data(contentsOf: screenshot)
        XCTAssertEqual(Array(png.prefix(8)), [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A], "a PNG")
        XCTAssertGreaterThan(png.count, 50_000, "a page with content, not a blank one")
        if ProcessInfo.processInfo.environment["RUNBOOK_RECORD_SNAPSHOTS"] == "1" {
            let committed = RunbookBinary.packageRoot.appendingPathComponent("docs/plan-review.png")
            try? FileManager.default.removeItem(at: committed)
            try FileManager.default.copyItem(at: screenshot, to: committed)
        }
    }
}
