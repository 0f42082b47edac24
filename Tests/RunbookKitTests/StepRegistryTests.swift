import RunbookKit
import FoundationEssentials
import XCTest
import RunbookRender
import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookMarkdown
import RunbookHost

/// One registry of step kinds: a kind defined outside the standard ones is recognised, checked
/// and planned like them, with nothing else to edit; and FORMAT.md's table is the registry's.
final class StepRegistryTests: XCTestCase {
    /// `touch=PATH`: an empty file, made when missing. Defined here only.
    struct TouchStep: ChangingStep {
        static let definition = StepDefinition(
            StepDescription(kind: StepKind("touch"), marker: "touch", markerValue: "PATH", attributes: ["notify"],
                            purpose: "an empty file, made when missing")
        ) { .changing(try TouchStep($0)) }

        let info: StepInfo
        let path: String
        let notifies: [String]
        var managedPaths: [ManagedPath] { [ManagedPath(path: path, attribute: "touch", claim: .exactly("touch"))] }
        var isSensitive: Bool { false }

        init(_ source: StepSource) throws {
            path = try source.path("touch")!
            info = source.info("touch \(path)")
            notifies = try source.list("notify")
        }

        func plan(in view: SystemView) throws -> StepPlan {
            guard try view.status(path) == nil else { return StepPlan(step: info, outcome: .unchanged("\(path) exists")) }
            return StepPlan(step: info, outcome: .change, changes: [.writeFile(path: path, content: Data(), mode: 0o644)], notifies: notifies)
        }
    }

    let registry = StepRegistry(StepRegistry.standard.definitions + [TouchStep.definition])

    func loader() -> RunbookLoader { RunbookLoader(displayDirectory: "rb", vocabulary: registry.vocabulary) }

    func chapter(_ text: String) throws -> Chapter {
        try loader().parseChapter(data: Data(text.utf8), name: "01-a.md", file: "rb/01-a.md")
    }

    func testANewKindIsRecognisedCheckedAndPlannedThroughItsDefinitionAlone() throws {
        let text = "# A\n\n```sh touch=/srv/marker notify=done\ntouch /srv/marker\n```\n\n```sh handler=done\ntrue\n```\n\n```sh run creates=/srv/made\ntouch /srv/made\n```\n"
        let parsed = try chapter(text)
        XCTAssertEqual(parsed.steps.map(\.kind.rawValue), ["touch", "handler", "run"])
        let runbook = Runbook(directory: "rb", chapters: [parsed])
        let prepared = try PreparedRunbook.prepare(runbook, variables: try VariableResolver(declarations: [], given: [], storedSecrets: [:]).resolve(),
                                                   registry: registry)
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("registry-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let plan = try Planner(prepared: prepared, host: RootedHost(root: root.path)).plan()
        let steps = plan.chapters[0].steps
        XCTAssertEqual(steps.map(\.step.id), ["01-a/1", "01-a/3"])
        XCTAssertEqual(steps[0].planned.map(\.action), [.create], "its change, as data")
        XCTAssertEqual(steps[0].observed.map(\.path), ["/srv/marker"], "its managed path is observed for a saved plan")
        XCTAssertEqual(plan.chapters[0].handlers.map(\.name), ["done"], "its notify= fires the handler like any step's")
        XCTAssertEqual(steps[1].outcome, .skipped("--root: commands do not run"), "the one policy skips the run, not the step")
    }

    func testANewKindsAttributesAreCheckedAndItsWordsCountAsStepWords() throws {
        XCTAssertThrowsError(try chapter("# A\n\n```sh touch=/srv/x mode=0644\ntouch /srv/x\n```\n")) { error in
            XCTAssertTrue("\(error)".contains("touch steps have no attribute 'mode'"), "\(error)")
            XCTAssertTrue("\(error)".contains("touch steps take id, notify, when"), "\(error)")
        }
        XCTAssertThrowsError(try chapter("# A\n\n```sh tuoch=/srv/x\ntouch /srv/x\n```\n")) { error in
            XCTAssertTrue("\(error)".contains("did you mean 'touch'?"), "\(error)")
        }
        XCTAssertThrowsError(try RunbookLoader(displayDirectory: "rb").parseChapter(data: Data("# A\n\n```sh notify=x touch=/srv/x\n```\n".utf8),
                                                                                    name: "01-a.md", file: "rb/01-a.md"),
                             "without the definition, touch= is no kind") { error in
            XCTAssertTrue("\(error)".contains("names no step kind"), "\(error)")
        }
    }

    func testTwoStepsThatClaimOnePathDifferentlyConflictWhateverTheirKinds() throws {
        let text = "# A\n\n```sh touch=/srv/x\ntouch /srv/x\n```\n\n```ini file=/srv/x\nbody\n```\n"
        let runbook = Runbook(directory: "rb", chapters: [try chapter(text)])
        XCTAssertThrowsError(try PreparedRunbook.prepare(runbook, variables: try VariableResolver(declarations: [], given: [], storedSecrets: [:]).resolve(),
                                                         registry: registry)) { error in
            XCTAssertTrue("\(error)".contains("01-a/2 and 01-a/1 both manage /srv/x, differently"), "\(error)")
        }
    }

    func testFormatTableIsTheRegistry() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let format = try String(contentsOf: root.appendingPathComponent("docs/FORMAT.md"), encoding: .utf8)
        let lines = format.components(separatedBy: "\n")
        let header = try XCTUnwrap(lines.firstIndex(of: "| kind | marker | attributes | what it is |"), "FORMAT.md has no table of kinds")
        let documented = Array(lines[(header + 2)...].prefix { $0.hasPrefix("|") })
        let rows = StepRegistry.standard.vocabulary.descriptions.map { description in
            let marker = description.language.map { "`\(description.usage)` in an `\($0)` block" } ?? "`\(description.usage)`"
            let attributes = description.attributes.subtracting(["id", "when"]).sorted().map { "`\($0)`" }.joined(separator: ", ")
            return "| `\(description.kind.rawValue)` | \(marker) | \(attributes.isEmpty ? "—" : attributes) | \(description.purpose) |"
        }
        XCTAssertEqual(documented, rows, "docs/FORMAT.md's table of kinds must list exactly the step definitions")
    }
}

/// Info strings that once slipped past the loader as ordinary code.
final class StepRecognitionTests: XCTestCase {
    func chapter(_ text: String) throws -> Chapter {
        try RunbookLoader(displayDirectory: "rb").parseChapter(data: Data(text.utf8), name: "01-a.md", file: "rb/01-a.md")
    }

    func testABacktickFenceWhoseStepHasAnErrorIsStillRefused() {
        for info in ["sh run always `quiet`", "sh run `always`", "sh `run` always", "sh file=/x `y`"] {
            XCTAssertThrowsError(try chapter("# T\n\n```\(info)\necho one\n```\n\n```ini file=/etc/important.conf\nimportant\n```\n"), info) { error in
                XCTAssertTrue("\(error)".contains("cannot hold a backtick"), "\(info): \(error)")
            }
        }
    }

    func testAMarkerAloneIsAStepNotALanguage() throws {
        XCTAssertEqual(try chapter("# T\n\n```file=/etc/x\nx\n```\n").steps.map(\.kind.rawValue), ["file"])
        XCTAssertEqual(try chapter("# T\n\n```absent=/etc/x\nrm /etc/x\n```\n").steps.map(\.kind.rawValue), ["absent"])
        XCTAssertThrowsError(try chapter("# T\n\n```mode=0600\nx\n```\n")) { error in
            XCTAssertTrue("\(error)".contains("names no step kind"), "\(error)")
        }
    }

    func testTheHTTPLanguageInAnyLetterCaseMakesAnHTTPCheck() throws {
        for language in ["http", "HTTP", "Http"] {
            XCTAssertEqual(try chapter("# T\n\n```\(language) check\nGET http://x/\n```\n").steps.map(\.kind.rawValue), ["http-check"], language)
        }
    }
}
