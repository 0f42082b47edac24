import XCTest
import RunbookKit
import RunbookRender
import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookMarkdown
import RunbookHost

/// A word close to a step word in a block that names no step kind is refused, so a typo never
/// silently turns a step into ordinary code; words other tools write stay ordinary.
final class StepWordTypoTests: XCTestCase {
    func chapter(_ text: String) throws -> Chapter {
        try RunbookLoader(displayDirectory: "rb").parseChapter(data: Data(text.utf8), name: "01-a.md", file: "rb/01-a.md")
    }

    func problem(_ info: String) -> String? {
        do {
            _ = try chapter("# A\n\n```\(info)\nx\n```\n")
            return nil
        } catch {
            return "\(error)"
        }
    }

    func testTyposOfKindsAndAttributesNameTheWordMeantAtItsColumn() {
        let cases: [(info: String, typed: String, meant: String)] = [
            ("ini fiel=/etc/x.conf", "fiel", "file"), ("sh absnet=/x", "absnet", "absent"), ("ini File=/x", "File", "file"),
            ("sh chek", "chek", "check"), ("sh handlr=x", "handlr", "handler"), ("sh pakage=nginx", "pakage", "package"),
            ("sh ruN", "ruN", "run"), ("sh RUN", "RUN", "run"), ("text Vars", "Vars", "vars"), ("sh alwyas", "alwyas", "always"),
            ("ini notfy=x", "notfy", "notify"), ("sh ID=x", "ID", "id"), ("sh link=/a To=/b", "To", "to"),
            ("ini file=/x Mode=0644", "Mode", "mode"), ("sh packages=nginx", "packages", "package"),
            ("ini fiel=/x mode=0644", "fiel", "file"), ("chek retries=3", "chek", "check"), ("sh ruN creates=/x", "ruN", "run"),
            ("ini  \tfiel=/x", "fiel", "file"), ("ini café fiel=/x", "fiel", "file"),
        ]
        for (info, typed, meant) in cases {
            // The info string starts in column 4, after the fence; columns count characters.
            let column = 4 + info.distance(from: info.startIndex, to: info.range(of: typed)!.lowerBound)
            let found = problem(info) ?? "no error"
            XCTAssertTrue(found.hasPrefix("rb/01-a.md:3:\(column): error: "), "\(info): \(found)")
            XCTAssertTrue(found.contains("did you mean '\(meant)'?"), "\(info): \(found)")
        }
    }

    func testWordsOtherToolsWriteStayOrdinary() throws {
        let ordinary = [
            "python title=\"app.py\"", "js {1,3}", "yaml linenums=\"1\"", "console", "sh", "text", "diff", "json",
            "bash session", "python hl_lines=\"1 3\"", "rust,ignore", "mermaid", "{.python .numberLines}", "",
            "python filename=\"app.py\"", "{r echo=FALSE}", "js mark=/x/ ins={4} del={5} wrap", "html lang=en",
            "text name=x", "python title=\"a File=/x and ruN\"", "js {\"a\": 1, 'b': 2}", "js \"unclosed quote",
            // The language word is anybody's choice, and short step words only match in other letter case.
            "chek", "Run", "sh is do fun rn un", "sh rum", "sh it=1 t=2 i=3", "sh model_name=x delay_ms=1",
        ]
        for info in ordinary {
            XCTAssertNil(problem(info), info)
            XCTAssertEqual(try chapter("```\(info)\nx\n```\n").steps.count, 0, info)
        }
    }

    func testCloseMeansOtherCaseOrOneSlip() {
        XCTAssertEqual(StepRegistry.standard.vocabulary.stepWord(closeTo: "fiel", takesValue: true), "file", "two neighbours swapped")
        XCTAssertEqual(StepRegistry.standard.vocabulary.stepWord(closeTo: "fle", takesValue: true), "file", "a letter left out")
        XCTAssertEqual(StepRegistry.standard.vocabulary.stepWord(closeTo: "filee", takesValue: true), "file", "a letter added")
        XCTAssertEqual(StepRegistry.standard.vocabulary.stepWord(closeTo: "fole", takesValue: true), "file", "a letter changed")
        XCTAssertNil(StepRegistry.standard.vocabulary.stepWord(closeTo: "flie2", takesValue: true), "two slips")
        XCTAssertNil(StepRegistry.standard.vocabulary.stepWord(closeTo: "file", takesValue: true), "the word itself")
        XCTAssertNil(StepRegistry.standard.vocabulary.stepWord(closeTo: "fiel", takesValue: false), "a bare word is no file=")
        XCTAssertNil(StepRegistry.standard.vocabulary.stepWord(closeTo: "chek", takesValue: true), "check takes no value")
        XCTAssertEqual(StepRegistry.standard.vocabulary.stepWord(closeTo: "ID", takesValue: true), "id")
        XCTAssertNil(StepRegistry.standard.vocabulary.stepWord(closeTo: "is", takesValue: true))
        XCTAssertNil(StepRegistry.standard.vocabulary.stepWord(closeTo: "rn", takesValue: false))
        XCTAssertEqual(StepRegistry.standard.vocabulary.stepWord(closeTo: "Fiel", takesValue: true), "file", "other case and a slip")
    }

    /// Fuzz seeds written to hold exactly these mistakes.
    static let seedsWithTheseMistakes: Set<String> = [
        "59-mistyped-step-words.md", "60-unclosed-placeholders.md", "61-broken-blocks-beside-good-ones.md",
    ]

    /// None of the repository's own Markdown, nor the other fuzz seeds, trips the new rules.
    func testTheRepositorysMarkdownHasNoMistypedStepWordOrUnclosedPlaceholder() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        var files: [URL] = [root.appendingPathComponent("README.md")]
        for folder in ["Runbook", "docs", "Tests/Fuzz/corpus/chapter", "Tests/Fixtures/markdown-corpus", "Tests/Fixtures/runbooks"] {
            let enumerator = FileManager.default.enumerator(at: root.appendingPathComponent(folder), includingPropertiesForKeys: nil)
            while let file = enumerator?.nextObject() as? URL {
                if file.pathExtension == "md", !Self.seedsWithTheseMistakes.contains(file.lastPathComponent) { files.append(file) }
            }
        }
        XCTAssertGreaterThan(files.count, 100)
        for file in files {
            let parsed = try RunbookLoader(displayDirectory: "rb")
                .parseChapterAsFarAsPossible(data: try Data(contentsOf: file), name: "01-a.md", file: file.path)
            for problem in parsed.problems where problem.message.contains("is not a step word") || problem.message.hasPrefix("'{{") {
                XCTFail("\(problem)")
            }
        }
    }
}
