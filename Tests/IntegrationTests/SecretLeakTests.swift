import Foundation
import XCTest

/// A secret, however it arrives (generated, `--var`, or a vars file), never leaves the process
/// in plain text: not in plans (text or JSON), apply or rollback output, errors, or snapshot
/// manifests and journals. It does reach the files that must hold it.
final class SecretLeakTests: XCTestCase {
    let runbook = RunbookBinary.fixtures.appendingPathComponent("runbooks/basic").path

    struct Sandbox {
        var root: URL
        var state: URL
        var base: URL
    }

    func sandbox() throws -> Sandbox {
        let base = try makeTemporaryDirectory(self, "secrets")
        let root = base.appendingPathComponent("root")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        return Sandbox(root: root, state: base.appendingPathComponent("state"), base: base)
    }

    /// Every byte the commands print, and every byte of the state directory's manifests and journals.
    func exercise(_ box: Sandbox, _ extra: [String]) throws -> String {
        var transcript = ""
        let common = ["--runbook", runbook, "--root", box.root.path, "--state-dir", box.state.path] + extra
        for arguments in [["plan"], ["plan", "--json"], ["apply"], ["plan"], ["snapshots"], ["snapshots", "show", "1"],
                          ["snapshots", "show", "1", "--json"], ["check", "--json"], ["plan", "--var", "port=not-a-number"],
                          ["plan", "--var", "nope=1"], ["rollback"], ["apply", "--json"], ["plan", "--json"]] {
            transcript += try RunbookBinary.run(arguments + common).all
        }
        // The --step prompts show each step's plan; answered "all" at the first.
        let stepRoot = box.base.appendingPathComponent("step-root")
        try FileManager.default.createDirectory(at: stepRoot, withIntermediateDirectories: true)
        transcript += try RunbookBinary.run(["apply", "--step", "--runbook", runbook, "--root", stepRoot.path, "--state-dir",
                                             box.state.path] + extra, input: "a\n").all
        let snapshots = box.state.appendingPathComponent("snapshots")
        for file in FileManager.default.enumerator(atPath: snapshots.path)?.compactMap({ $0 as? String }) ?? [] {
            let path = snapshots.appendingPathComponent(file).path
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                transcript += "\n" + file + "\n" + (try String(contentsOfFile: path, encoding: .utf8))
            }
        }
        transcript += try FileManager.default.contentsOfDirectory(atPath: box.state.path).joined(separator: "\n")
        return transcript
    }

    func assertNeverShown(_ secret: String, in transcript: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(transcript.isEmpty, file: file, line: line)
        XCTAssertFalse(transcript.contains(secret), "the secret leaked:\n\(transcript)", file: file, line: line)
        XCTAssertTrue(transcript.contains("********"), "the masked secret should be visible in diffs", file: file, line: line)
    }

    func testGeneratedSecretIsNeverShown() throws {
        let box = try sandbox()
        let transcript = try exercise(box, [])
        let stored = try JSONSerialization.jsonObject(with: Data(contentsOf: box.state.appendingPathComponent("secrets"))) as? [String: String]
        let secret = try XCTUnwrap(stored?["secret"])
        XCTAssertEqual(secret.count, 64)
        XCTAssertTrue(try String(contentsOf: box.root.appendingPathComponent("etc/demo/key.conf"), encoding: .utf8).contains(secret))
        assertNeverShown(secret, in: transcript)
    }

    func testSecretGivenOnTheCommandLineIsNeverShown() throws {
        let box = try sandbox()
        let secret = "given-on-the-command-line-7f3a9c"
        let transcript = try exercise(box, ["--var", "secret=\(secret)"])
        XCTAssertTrue(try String(contentsOf: box.root.appendingPathComponent("etc/demo/key.conf"), encoding: .utf8).contains(secret))
        assertNeverShown(secret, in: transcript)
    }

    func testSecretFromAVarsFileIsNeverShown() throws {
        let box = try sandbox()
        let secret = "from-a-vars-file-\"quoted\"-5e1d"
        let varsFile = box.base.appendingPathComponent("prod.vars")
        try write("# production\nsecret='\(secret)'\nport=9090\n", to: varsFile)
        let transcript = try exercise(box, ["--vars-file", varsFile.path])
        XCTAssertTrue(try String(contentsOf: box.root.appendingPathComponent("etc/demo/key.conf"), encoding: .utf8).contains(secret))
        assertNeverShown(secret, in: transcript)
        assertNeverShown(secret.replacingOccurrences(of: "\"", with: "\\\""), in: transcript)
    }
}
