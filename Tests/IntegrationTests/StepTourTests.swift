import Foundation
import XCTest

/// `apply --step` on a pseudo-terminal, as an operator follows the article: before each step the
/// prose it sits under, wrapped to the terminal, then its plan; every key does what the help says;
/// a quit is reported as stopped, in the output and in the snapshot, which names only the chapters
/// it went through.
final class StepTourTests: XCTestCase {
    static let chapters = [
        "01-tour.md": """
            # The application

            ## Its configuration

            The application reads one file, and it reads it only once, when it starts, so a change needs a restart.

            - a list item long enough to be wrapped at forty columns;
            - a short one.

            The file is `/etc/app/app.conf`:

            ```ini file=/etc/app/app.conf
            port = 8080
            ```

            Next to it, `/etc/app/extra.conf`:

            ```ini file=/etc/app/extra.conf
            extra = yes
            ```

            """,
        "02-more.md": """
            # More

            The second chapter writes `/etc/app/more.conf`.

            ```ini file=/etc/app/more.conf
            more = yes
            ```

            """,
        "03-last.md": """
            # Last

            The third writes `/etc/app/last.conf`.

            ```ini file=/etc/app/last.conf
            last = yes
            ```

            """,
    ]

    var root: URL!
    var arguments: [String] = []

    override func setUpWithError() throws {
        let (root, arguments) = try makeRootedSandbox(self, "tour", chapter: Self.chapters["01-tour.md"]!, file: "01-tour.md", directory: "etc")
        for (name, text) in Self.chapters where name != "01-tour.md" {
            try write(text, to: URL(fileURLWithPath: arguments[1]).appendingPathComponent(name))
        }
        self.root = root
        self.arguments = arguments
    }

    func tour(answering answers: [String], columns: Int = 40) throws -> (status: Int32?, transcript: String) {
        let session = try TerminalSession(command: [RunbookBinary.path, "apply", "--step"] + arguments,
                                          environment: ["NO_COLOR": "1", "COLUMNS": String(columns)])
        let status = session.answer(prompt: "Apply this step? [y/N/a/q/d/s/?]", withEach: answers, timeout: 60)
        return (status, session.transcript.replacingOccurrences(of: "\r\n", with: "\n"))
    }

    func exists(_ path: String) -> Bool { FileManager.default.fileExists(atPath: root.appendingPathComponent(path).path) }

    func testEachKeyThenAQuitThatTheSnapshotCallsStopped() throws {
        // Step 1: help, an unknown key, the diff again, the source, then Enter (no). Step 2: yes. Chapter 2: quit.
        let (status, transcript) = try tour(answering: ["?", "x", "d", "s", "", "y", "q"])
        XCTAssertEqual(status, 0, transcript)

        let first = try XCTUnwrap(transcript.range(of: "Step 01-tour/1: Its configuration (")).lowerBound
        let plan = try XCTUnwrap(transcript.range(of: "+ 01-tour/1  file /etc/app/app.conf", range: first..<transcript.endIndex)).lowerBound
        let prose = transcript[first..<plan].split(separator: "\n").dropFirst().map { String($0) }.filter { !$0.allSatisfy(\.isWhitespace) }
        XCTAssertTrue(prose.allSatisfy { $0.count <= 40 }, prose.joined(separator: "\n"))
        XCTAssertEqual(prose, [
            "  The application reads one file, and it",
            "  reads it only once, when it starts, so",
            "  a change needs a restart.",
            "  - a list item long enough to be",
            "    wrapped at forty columns;",
            "  - a short one.",
            "  The file is `/etc/app/app.conf`:",
        ], "the paragraphs between the heading and the block, wrapped to the terminal's 40 columns, a list item under its marker")

        XCTAssertTrue(transcript.contains("y  yes: apply this step\nn  no: skip it and go on to the next (Enter answers n)"), "? shows the keys")
        XCTAssertTrue(transcript.contains("'x' is not a key here. The keys:\ny  yes"), "any other key shows them too")
        XCTAssertEqual(transcript.components(separatedBy: "+ 01-tour/1  file /etc/app/app.conf").count - 1, 2, "d shows the plan again")
        XCTAssertTrue(transcript.contains("+port = 8080"), "with the diff")
        XCTAssertTrue(transcript.contains("\(arguments[1])/01-tour.md:12\n```ini file=/etc/app/app.conf\nport = 8080\n```\n"),
                      "s shows the block as written, with its file:line")
        XCTAssertFalse(exists("etc/app/app.conf"), "Enter answered no")
        XCTAssertTrue(transcript.contains("01-tour/1  file /etc/app/app.conf: not applied (declined)"), transcript)

        let second = try XCTUnwrap(transcript.range(of: "Step 01-tour/2: Its configuration (")).upperBound
        let secondPlan = try XCTUnwrap(transcript.range(of: "+ 01-tour/2", range: second..<transcript.endIndex)).lowerBound
        XCTAssertEqual(transcript[second..<secondPlan].split(separator: "\n").dropFirst().map { String($0) }.filter { !$0.allSatisfy(\.isWhitespace) },
                       ["  Next to it, `/etc/app/extra.conf`:"], "under the same heading, only the prose not shown yet")
        XCTAssertTrue(exists("etc/app/extra.conf"), "y applied it")

        XCTAssertTrue(transcript.contains("Step 02-more/1: More ("), transcript)
        XCTAssertFalse(exists("etc/app/more.conf"), "q applied nothing more")
        XCTAssertFalse(exists("etc/app/last.conf"))
        XCTAssertFalse(transcript.contains("03-last"), "the chapter after the quit never ran")
        XCTAssertTrue(transcript.contains("Stopped at your request before 02-more/1: 1 step changed; snapshot 1 recorded"), transcript)
        XCTAssertFalse(transcript.contains("Apply complete"), transcript)

        let list = try RunbookBinary.run(["snapshots", "--json"] + arguments.dropFirst(2))
        let documents = RunbookBinary.packageRoot.appendingPathComponent("docs/JSON.md")
        XCTAssertEqual(try JSONSchemaSubset(markdown: documents, id: "snapshots").problems(in: Data(list.stdout.utf8)), [], "as documented")
        let document = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(list.stdout.utf8)) as? [String: Any], list.all)
        let entry = try XCTUnwrap((document["snapshots"] as? [[String: Any]])?.first)
        XCTAssertEqual(entry["status"] as? String, "stopped")
        XCTAssertEqual(entry["chapters"] as? [String], ["01-tour", "02-more"], "only the chapters it went through")
        let text = try RunbookBinary.run(["snapshots"] + arguments.dropFirst(2))
        XCTAssertTrue(text.stdout.contains(" stopped "), text.all)
        let shown = try RunbookBinary.run(["snapshots", "show", "1"] + arguments.dropFirst(2))
        XCTAssertTrue(shown.stdout.contains("Snapshot 1: apply, stopped\n"), shown.all)
        XCTAssertTrue(shown.stdout.contains("stopped at your request (apply --step) in 02-more; chapters run: 01-tour, 02-more"), shown.all)

        let rest = try RunbookBinary.run(["apply"] + arguments)
        XCTAssertEqual(rest.status, 0, rest.all)
        XCTAssertTrue(exists("etc/app/app.conf") && exists("etc/app/more.conf") && exists("etc/app/last.conf"), "a plain apply goes on from there")
    }

    func testAllAppliesEveryRemainingStepWithoutAsking() throws {
        let (status, transcript) = try tour(answering: ["a"])
        XCTAssertEqual(status, 0, transcript)
        XCTAssertEqual(transcript.components(separatedBy: "Apply this step?").count - 1, 1, "asked once")
        XCTAssertTrue(transcript.contains("Apply complete: 4 steps changed"), transcript)
        XCTAssertTrue(exists("etc/app/app.conf") && exists("etc/app/last.conf"))
        let list = try RunbookBinary.run(["snapshots", "--json"] + arguments.dropFirst(2))
        XCTAssertTrue(list.stdout.contains("\"status\" : \"succeeded\""), list.all)
    }

    func testWithoutATerminalItIsAWrongCommandLine() throws {
        let piped = try RunbookBinary.run(["apply", "--step"] + arguments, input: "y\ny\ny\ny\n")
        XCTAssertEqual(piped.status, 64, piped.all)
        XCTAssertTrue(piped.stderr.contains("runbook: error: --step asks before each step, and standard input is not a terminal"), piped.stderr)
        XCTAssertTrue(piped.stderr.contains("Nothing was read or changed."), piped.stderr)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("etc").path), [], "nothing written")
        XCTAssertFalse(FileManager.default.fileExists(atPath: arguments[5]), "no state directory made")
    }
}
