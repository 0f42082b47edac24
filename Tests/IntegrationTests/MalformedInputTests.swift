import Foundation
import XCTest

/// The malformed-input corpus: every case is refused by `check`, `plan` and `apply` with its exact
/// `FILE:LINE:COL: error: MESSAGE (HINT)` lines, and leaves the target, the case and the state
/// directory exactly as they were.
///
/// A case is a folder in `Tests/Fixtures/malformed`, run with itself as the working directory, so
/// messages name `runbook/01-app.md` and `vars`:
///
/// - `runbook/`: the chapters of a tiny runbook, passed with `--runbook runbook`;
/// - `expected`: the error lines stderr must hold, each exactly, in this order and no others: one
///   run reports every problem, sorted, once, and none that only follows from another;
/// - `vars` (optional): passed with `--vars-file vars`;
/// - `args` (optional): more arguments, one a line (`--var` then `port=abc`);
/// - `root/` (optional): seeds the fresh `--root`. Such a case is about the target, which `check`
///   never reads, so `check` must pass it and only `plan` and `apply` refuse it;
/// - `outside/` (optional): seeded beside the root, where a link escaping the root would land.
final class MalformedInputTests: XCTestCase {
    static let corpus = RunbookBinary.fixtures.appendingPathComponent("malformed")

    func testCorpusHasAtLeastSixtyCases() throws {
        XCTAssertGreaterThanOrEqual(try caseDirectories().count, 60)
    }

    func testEveryCaseIsRefusedAndChangesNothing() throws {
        for directory in try caseDirectories() {
            try assertRefused(directory)
        }
    }

    /// A 10 MB chapter, too big to keep in the repository, with its mistakes at the very end: the
    /// errors name the exact lines.
    func testTenMegabyteChapterNamesTheExactLines() throws {
        let directory = try makeTemporaryDirectory(self, "runbook-malformed-large")
        let section = """
            ## A section

            Prose that pads the chapter, with café, naïve and 日本語 so that not every byte is a character.

            - a list item
            - another, with a `code span`

            > A block quote.

            ```sh
            echo "an ordinary code block never runs"
            ```


            """
        let sections = 10 * 1024 * 1024 / section.utf8.count + 1
        let mistakes = """
            ```ini file=/etc/app/app.conf mdoe=0644
            port = 8080
            ```

            ```sh run creates=/etc/app/ready
            touch /etc/app/ready

            """
        try write("# A long chapter\n\n" + String(repeating: section, count: sections) + mistakes,
                  to: directory.appendingPathComponent("runbook/01-large.md"))
        let firstMistake = 2 + sections * section.filter { $0 == "\n" }.count + 1
        try write("""
            runbook/01-large.md:\(firstMistake):31: error: file steps have no attribute 'mdoe' (did you mean 'mode'?)
            runbook/01-large.md:\(firstMistake + 4):1: error: this step's code fence is never closed (close it with a matching fence; otherwise CommonMark runs it to the end of the file)

            """, to: directory.appendingPathComponent("expected"))
        try assertRefused(directory)
    }

    /// Info strings that other Markdown tools write stay ordinary code: no error, and no step.
    func testOrdinaryInfoStringsOfOtherToolsStayOrdinary() throws {
        let directory = try makeTemporaryDirectory(self, "runbook-ordinary-info")
        let infoStrings = [
            "python title=\"app.py\"", "js {1,3}", "yaml linenums=\"1\"", "console", "sh", "text", "diff", "json",
            "bash session", "python hl_lines=\"1 3\"", "rust,ignore", "mermaid", "{.python .numberLines}", "", "go", "nginx",
            "js title=\"a run of checks\" {2-3} ins={4} del={5} mark=/file/ collapse={1-5} wrap showLineNumbers",
            "{r echo=FALSE}", "python filename=\"app.py\"", "ts twoslash", "rust,no_run", "shell-session", "ini",
            "python startFrom=\"10\"", "js {\"a\": 1}", "sh is do fun", "text name=x", "html lang=en",
        ]
        let blocks = infoStrings.map { "```\($0)\nserver { listen {{ port }}; }\n```\n" }
        // Braces that are no placeholder stay literal in a step too.
        let literalBraces = "docker ps --format '{{.Names}} {{json .Config}} {{ }} {{ item | upper }}' {\"a\":{\"b\":1}} '{{a}, {b}}'"
        try write("# Code from other tools\n\n" + blocks.joined(separator: "\n") + "\n```sh check\n\(literalBraces)\n```\n",
                  to: directory.appendingPathComponent("Runbook/01-code.md"))
        let result = try RunbookBinary.run(["check", "--runbook", "Runbook"], directory: directory)
        XCTAssertEqual(result.status, 0, result.all)
        XCTAssertEqual(result.stdout, "Runbook: 1 chapters, 1 steps, 0 variables; no problems found.\n", result.all)
    }

    /// `check --json` lists the same problems as the text, each with its location, message and hint.
    func testCheckJSONListsEveryProblem() throws {
        let directory = Self.corpus.appendingPathComponent("144-every-mistake-in-one-run")
        let result = try RunbookBinary.run(["check", "--json", "--runbook", "runbook", "--vars-file", "vars", "--var", "port=abc"],
                                           directory: directory)
        XCTAssertEqual(result.status, 1, result.all)
        let report = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(report["kind"] as? String, "check")
        let errors = try XCTUnwrap(report["errors"] as? [[String: String]])
        let expected = try String(contentsOf: directory.appendingPathComponent("expected"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        XCTAssertEqual(errors.map { "\($0["location"]!): error: \($0["message"]!)" + ($0["hint"].map { " (\($0))" } ?? "") }, expected)
    }

    func caseDirectories() throws -> [URL] {
        try FileManager.default.contentsOfDirectory(atPath: Self.corpus.path).sorted()
            .map { Self.corpus.appendingPathComponent($0) }
            .filter { (try? $0.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true }
    }

    /// Runs `check`, `plan` and `apply` on one case and checks that each refuses it with the
    /// expected lines and that nothing changed.
    func assertRefused(_ directory: URL) throws {
        let name = directory.lastPathComponent
        let expected = try String(contentsOf: directory.appendingPathComponent("expected"), encoding: .utf8)
            .split(separator: "\n").map(String.init)
        XCTAssertFalse(expected.isEmpty, "\(name): expected is empty")
        var arguments = ["--runbook", "runbook"]
        if FileManager.default.fileExists(atPath: directory.appendingPathComponent("vars").path) {
            arguments += ["--vars-file", "vars"]
        }
        if let extra = try? String(contentsOf: directory.appendingPathComponent("args"), encoding: .utf8) {
            arguments += extra.split(separator: "\n").map(String.init)
        }

        let base = try makeTemporaryDirectory(self, "runbook-malformed")
        let root = base.appendingPathComponent("root"), state = base.appendingPathComponent("state")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let seed = directory.appendingPathComponent("root")
        let isAboutTheTarget = FileManager.default.fileExists(atPath: seed.path)
        if isAboutTheTarget { try copyTree(seed.path, to: root.path) }
        let outside = directory.appendingPathComponent("outside")
        if FileManager.default.fileExists(atPath: outside.path) {
            try copyTree(outside.path, to: base.appendingPathComponent("outside").path)
        }
        let targetBefore = try TreeManifest(base, excluding: ["/state"])
        let caseBefore = try TreeManifest(directory)

        func assertFails(_ command: String, _ extra: [String] = []) throws {
            let result = try RunbookBinary.run([command] + arguments + extra, directory: directory)
            XCTAssertEqual(result.status, 1, "\(name): `runbook \(command)` should exit 1:\n\(result.all)")
            let printed = result.stderr.split(separator: "\n").map(String.init)
            XCTAssertEqual(printed.filter { $0.contains(": error: ") }, expected,
                           "\(name): `runbook \(command)` printed other errors than expected:\n\(result.stderr)")
            // check never changes anything, so only plan and apply say that nothing was. (A problem
            // of the target is met by apply while it runs, and told with what it had done.)
            guard !isAboutTheTarget else { return }
            let count = "\(expected.count) error\(expected.count == 1 ? "" : "s")"
            XCTAssertEqual(printed.last, command == "check" ? "\(count) found." : "\(count); nothing was changed.",
                           "\(name): `runbook \(command)`")
        }
        if isAboutTheTarget {
            let check = try RunbookBinary.run(["check"] + arguments, directory: directory)
            XCTAssertEqual(check.status, 0, "\(name): check never reads the target, so it should pass:\n\(check.all)")
        } else {
            try assertFails("check")
        }
        try assertFails("plan", ["--root", root.path, "--state-dir", state.path])
        try assertFails("apply", ["--root", root.path, "--state-dir", state.path])

        let targetAfter = try TreeManifest(base, excluding: ["/state"])
        XCTAssertEqual(targetAfter, targetBefore, "\(name): the root changed:\n\(targetAfter.difference(from: targetBefore))")
        let caseAfter = try TreeManifest(directory)
        XCTAssertEqual(caseAfter, caseBefore, "\(name): the case folder changed:\n\(caseAfter.difference(from: caseBefore))")
        for folder in ["snapshots", "blobs"] {
            let recorded = (try? FileManager.default.contentsOfDirectory(atPath: state.appendingPathComponent(folder).path)) ?? []
            XCTAssertEqual(recorded, [], "\(name): a refused apply recorded \(folder)")
        }
    }

    /// Copies a folder with its symbolic links kept as links, the way `cp -a` does.
    func copyTree(_ source: String, to destination: String) throws {
        let manager = FileManager.default
        try manager.createDirectory(atPath: destination, withIntermediateDirectories: true)
        for name in try manager.contentsOfDirectory(atPath: source) {
            let from = source + "/" + name, to = destination + "/" + name
            switch try manager.attributesOfItem(atPath: from)[.type] as? FileAttributeType {
            case .typeSymbolicLink?:
                try manager.createSymbolicLink(atPath: to, withDestinationPath: manager.destinationOfSymbolicLink(atPath: from))
            case .typeDirectory?:
                try copyTree(from, to: to)
            default:
                try manager.copyItem(atPath: from, toPath: to)
            }
        }
    }
}
