import XCTest
import RunbookKit
import RunbookRender
import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookMarkdown
import RunbookHost

/// A table that documents the variables for readers repeats the vars block; `check` keeps the
/// two in agreement, so changing a default in one of them alone is an error.
final class VariableTableTests: XCTestCase {
    let block = """
    ```text vars
    domain  example=inference.example.com  about="Name"
    secret  secret generated=32  about="Key"
    bundle  default=""  about="CA bundle"
    email   about="Contact"
    ```
    """

    func problems(_ table: String) throws -> [String] {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("variable-table-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        addTeardownBlock { try? FileManager.default.removeItem(at: directory) }
        try Data("# Variables\n\n\(table)\n\n\(block)\n".utf8).write(to: directory.appendingPathComponent("README.md"))
        let (_, problems) = try RunbookLoader(displayDirectory: "rb").loadAsFarAsPossible(directory: directory.path)
        return problems.map(\.description)
    }

    func testATableThatAgreesPasses() throws {
        XCTAssertEqual(try problems("""
        | variable | default | what it is |
        |---|---|---|
        | `domain` | `inference.example.com` | the name |
        | `secret` | 32 random bytes, made on the first apply | the key |
        | `bundle` | empty | a bundle |
        | `email` | (none; required for `acme`) | the contact |
        """), [])
    }

    func testEveryDisagreementIsNamedAtItsCell() throws {
        XCTAssertEqual(try problems("""
        | variable | default | what it is |
        |---|---|---|
        | `domain` | `api.example.com` | the name |
        | `secret` | `abc` | the key |
        | `bundle` | empty | a bundle |
        | `port` | `80` | gone |
        """), [
            "rb/README.md:5:14: error: the variables table gives 'domain' the default api.example.com, but its declaration says inference.example.com (make the table say what the declaration at rb/README.md:11:1 says: runbook uses the declaration)",
            "rb/README.md:6:14: error: the variables table gives 'secret' the default abc, but its declaration has none (make the table say what the declaration at rb/README.md:12:1 says: runbook uses the declaration)",
            "rb/README.md:8:3: error: the variables table names 'port', which no vars block declares (declare it in a vars block, or take its row out of the table)",
            "rb/README.md:3:3: error: the variables table leaves out 'email', which this chapter declares (add a row for it, with its default as code, like | `email` | `VALUE` | … |)",
        ])
    }

    func testTheShippedRunbookTableAgreesAndFitsInACodeBox() throws {
        let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = packageRoot.appendingPathComponent("Runbook/README.md")
        let text = try String(contentsOf: readme, encoding: .utf8)
        let block = try XCTUnwrap(text.components(separatedBy: "```text vars\n").dropFirst().first?.components(separatedBy: "```\n").first)
        for line in block.split(separator: "\n") {
            XCTAssertLessThanOrEqual(line.count, 100, "a vars line GitHub would scroll: \(line)")
        }
        XCTAssertEqual(try RunbookLoader(displayDirectory: "Runbook").loadAsFarAsPossible(directory: readme.deletingLastPathComponent().path).1
            .map(\.description), [])
    }
}
