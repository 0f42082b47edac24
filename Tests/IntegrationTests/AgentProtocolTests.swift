import Foundation
import XCTest
import RunbookRemote
import RunbookEngine
import RunbookModel
import RunbookHost

/// `runbook agent` as the controller speaks to it, without ssh: one request on standard input,
/// NDJSON on standard output, the hello first and the exit last.
final class AgentProtocolTests: XCTestCase {
    let runbook = RunbookBinary.fixtures.appendingPathComponent("runbooks/basic")

    func request(root: URL, variables: [VariableInput] = []) throws -> (AgentRequest, RunbookArchive) {
        let archive = try RunbookArchive.make(directory: runbook.path)
        return (AgentRequest(command: "plan", runbook: "basic", root: root.path, stateDirectory: nil, chapters: [], only: [], atomic: false,
                             variables: variables, archive: archive), archive)
    }

    struct Answer {
        var status: Int32
        var stdout: String
        var stderr: String
        var all: String { stdout + stderr }
    }

    /// The request goes in as bytes: an archive is not text.
    func agent(_ input: Data) throws -> (Answer, [[String: Any]]) {
        let output = try ProcessLauncher().run(executable: RunbookBinary.path, arguments: ["agent"], input: input)
        let result = Answer(status: output.status, stdout: String(decoding: output.standardOutput, as: UTF8.self),
                            stderr: String(decoding: output.standardError, as: UTF8.self))
        let messages = try result.stdout.split(separator: "\n").map {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        return (result, messages)
    }

    func testAPlanRequestIsAnsweredWithTheHelloThePlanValueAndTheExitCode() throws {
        let root = try makeTemporaryDirectory(self, "agent")
        let (request, archive) = try request(root: root)
        let (result, messages) = try agent(try request.framed(with: archive))
        XCTAssertEqual(result.status, 2, result.all)
        XCTAssertEqual(messages.map { $0["kind"] as? String }, ["hello", "plan", "exit"])
        XCTAssertEqual(messages.first?["protocolVersion"] as? String, AgentProtocol.version)
        XCTAssertEqual(messages.last?["exitCode"] as? Int, 2)
        let line = try XCTUnwrap(result.stdout.split(separator: "\n").dropFirst().first)
        let plan = try XCTUnwrap(try JSONDecoder().decode(AgentMessage.self, from: Data(line.utf8)).plan)
        XCTAssertEqual(plan.runbook, "basic")
        XCTAssertEqual(plan.target, "--root \(root.path)")
        XCTAssertTrue(plan.hasChanges)
    }

    /// An apply's events are the lines `apply --json` prints, so the controller renders the
    /// documented format rather than the engine's values.
    func testAnApplysEventsAreTheLinesOfApplyJSON() throws {
        let (remoteRoot, localRoot) = (try makeTemporaryDirectory(self, "agent"), try makeTemporaryDirectory(self, "local"))
        // One secret for both, so that the files holding it are the same bytes on both sides.
        let secret = "agent-events-secret-0123456789abcdef"
        var (request, archive) = try request(root: remoteRoot, variables: [VariableInput(name: "secret", value: secret, location: nil)])
        request.command = "apply"
        let (result, messages) = try agent(try request.framed(with: archive))
        XCTAssertEqual(result.status, 0, result.all)
        XCTAssertEqual(messages.prefix(2).map { $0["kind"] as? String }, ["hello", "detached"])
        XCTAssertEqual(messages.suffix(2).map { $0["kind"] as? String }, ["applied", "exit"])
        let events = messages.dropFirst(2).dropLast(2)
        XCTAssertFalse(events.isEmpty)
        XCTAssertTrue(events.allSatisfy { $0["kind"] as? String == "event" && $0["formatVersion"] as? String == "1.1" }, "\(events)")

        let local = try RunbookBinary.run(["apply", "--json", "--runbook", "basic", "--root", localRoot.path, "--var", "secret=\(secret)"],
                                          directory: runbook.deletingLastPathComponent())
        XCTAssertEqual(local.status, 0, local.all)
        let localEvents = try local.stdout.split(separator: "\n").dropLast().map {
            try XCTUnwrap(JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
        let timeless = { (documents: [[String: Any]]) in documents.map { $0.filter { $0.key != "seconds" } as NSDictionary } }
        XCTAssertEqual(timeless(Array(events)), timeless(localEvents))

        // No controller removed the run it read to the end (as one whose connection dropped):
        // the next agent reports it once, and removes it.
        let run = remoteRoot.appendingPathComponent("var/lib/runbook/runs/\(try XCTUnwrap(messages[1]["run"] as? String))")
        XCTAssertTrue(FileManager.default.fileExists(atPath: run.appendingPathComponent("events").path))
        request.command = "plan"
        let (next, reported) = try agent(try request.framed(with: archive))
        XCTAssertEqual(next.status, 0, next.all)
        XCTAssertEqual(reported.map { $0["kind"] as? String }, ["hello", "earlier", "plan", "exit"])
        let earlier = try XCTUnwrap(reported[1]["earlier"] as? [String: Any])
        XCTAssertEqual(earlier["command"] as? String, "apply")
        XCTAssertEqual(earlier["state"] as? String, "finished")
        XCTAssertEqual(earlier["changedSteps"] as? Int, 4)
        XCTAssertFalse(FileManager.default.fileExists(atPath: run.path), "a reported run was kept")
        let (third, quiet) = try agent(try request.framed(with: archive))
        XCTAssertEqual(third.status, 0, third.all)
        XCTAssertEqual(quiet.map { $0["kind"] as? String }, ["hello", "plan", "exit"])
    }

    func testTheRunbookStreamIsATarThatGNUTarReads() throws {
        let archive = try RunbookArchive.make(directory: runbook.path)
        let listed = try ProcessLauncher().run(executable: "/usr/bin/tar", arguments: ["-tf", "-"], input: archive.bytes)
        XCTAssertEqual(listed.status, 0, String(decoding: listed.standardError, as: UTF8.self))
        let expected = try FileManager.default.contentsOfDirectory(atPath: runbook.path).filter { !$0.hasPrefix(".") }.sorted()
        XCTAssertEqual(String(decoding: listed.standardOutput, as: UTF8.self).split(separator: "\n").map(String.init), expected)
    }

    func testKeysItDoesNotKnowAreIgnored() throws {
        let root = try makeTemporaryDirectory(self, "agent")
        let (request, archive) = try request(root: root)
        var header = try XCTUnwrap(JSONSerialization.jsonObject(with: JSONEncoder().encode(request)) as? [String: Any])
        header["parallel"] = 10
        header["protocolVersion"] = "1.7"
        let input = try JSONSerialization.data(withJSONObject: header) + Data("\n".utf8) + archive.bytes
        let (result, messages) = try agent(input)
        XCTAssertEqual(result.status, 2, result.all)
        XCTAssertEqual(messages.map { $0["kind"] as? String }, ["hello", "plan", "exit"])
    }

    func testAnotherMajorVersionIsRefusedNamingTheSideToUpgrade() throws {
        let root = try makeTemporaryDirectory(self, "agent")
        let (request, archive) = try request(root: root)
        for (version, upgrade) in [("2.0", "upgrade the runbook of this host"), ("0.9", "upgrade the runbook of the controller")] {
            var newer = request
            newer.protocolVersion = version
            let (result, messages) = try agent(try newer.framed(with: archive))
            XCTAssertEqual(result.status, 64, result.all)
            XCTAssertEqual(messages.map { $0["kind"] as? String }, ["hello", "errors", "exit"])
            XCTAssertTrue(result.stderr.contains("the controller speaks agent protocol \(version) and this host speaks \(AgentProtocol.version): \(upgrade)"), result.stderr)
        }
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: root.path), [], "a refused request changed the target")
    }

    /// A selection the runbook cannot satisfy is a wrong command line on the server as here.
    func testASelectionOfNothingIsExit64AsLocally() throws {
        let root = try makeTemporaryDirectory(self, "agent")
        var (request, archive) = try request(root: root)
        request.only = ["nope/9"]
        let (result, messages) = try agent(try request.framed(with: archive))
        XCTAssertEqual(result.status, 64, result.all)
        XCTAssertEqual(messages.map { $0["kind"] as? String }, ["hello", "errors", "exit"])
    }

    func testARequestThatIsNotOneIsRefusedWith64() throws {
        let root = try makeTemporaryDirectory(self, "agent")
        let (request, archive) = try request(root: root)
        var cut = try request.framed(with: archive)
        cut.removeLast(512)
        for input in [Data("not json\n".utf8), Data(), cut] {
            let (result, messages) = try agent(input)
            XCTAssertEqual(result.status, 64, result.all)
            XCTAssertEqual(messages.first?["kind"] as? String, "hello")
            XCTAssertEqual(messages.last?["exitCode"] as? Int, 64)
            XCTAssertTrue(result.stderr.contains("refused the request on standard input"), result.stderr)
        }
    }

    func testASecretSentInTheRequestNeverComesBack() throws {
        let root = try makeTemporaryDirectory(self, "agent")
        let archive = try RunbookArchive.make(directory: RunbookBinary.fixtures.appendingPathComponent("runbooks/secret-scripts").path)
        let secret = "s3cr3t-\(UUID().uuidString)"
        let request = AgentRequest(command: "plan", runbook: "secret-scripts", root: root.path, stateDirectory: nil, chapters: [], only: [],
                                   atomic: false, variables: [VariableInput(name: "base", value: "/srv/app", location: nil),
                                                              VariableInput(name: "token", value: secret, location: nil)],
                                   archive: archive)
        let (result, messages) = try agent(try request.framed(with: archive))
        XCTAssertEqual(result.status, 2, result.all)
        XCTAssertEqual(messages.map { $0["kind"] as? String }, ["hello", "plan", "exit"])
        XCTAssertFalse(result.all.contains(secret), result.all)
        XCTAssertTrue(result.stdout.contains("test ******** = never-********"), result.stdout)
    }

    /// A changing command that is still being relayed is nobody's dropped connection: an agent
    /// that starts meanwhile says nothing of it (the reviewer saw one that did), and removes nothing.
    func testAnApplyStillRelayedIsNotReportedAsDroppedByAnotherAgent() throws {
        let base = try makeTemporaryDirectory(self, "agent-relay")
        let fleet = RunbookBinary.fixtures.appendingPathComponent("runbooks/fleet").path
        let archive = try RunbookArchive.make(directory: fleet)
        let values = ["base": base.appendingPathComponent("live").path, "pause": "3", "token": "agent-relay-token-0123456789"]
        var apply = AgentRequest(command: "apply", runbook: "fleet", root: nil, stateDirectory: base.appendingPathComponent("state").path,
                                 chapters: [], only: [], atomic: false,
                                 variables: values.map { VariableInput(name: $0.key, value: $0.value, location: nil) }, archive: archive)
        let input = try apply.framed(with: archive)
        let first = DispatchQueue(label: "first agent")
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var firstOutput: ProcessLauncher.Output?
        let binary = RunbookBinary.path
        first.async {
            firstOutput = try? ProcessLauncher().run(executable: binary, arguments: ["agent"], input: input)
            done.signal()
        }
        // While the first runs its slow step, a plan on the same state directory.
        let slept = base.appendingPathComponent("live/token.conf").path
        let deadline = Date().addingTimeInterval(20)
        while !FileManager.default.fileExists(atPath: slept), Date() < deadline { usleep(20_000) }
        apply.command = "plan"
        let (during, messages) = try agent(try apply.framed(with: archive))
        XCTAssertEqual(during.status, 2, during.all)
        XCTAssertEqual(messages.map { $0["kind"] as? String }, ["hello", "plan", "exit"], "a relayed apply was reported: \(during.stdout)")
        XCTAssertEqual(done.wait(timeout: .now() + 30), .success)
        let output = try XCTUnwrap(firstOutput)
        XCTAssertEqual(output.status, 0, String(decoding: output.standardError, as: UTF8.self))
        let kinds = String(decoding: output.standardOutput, as: UTF8.self).split(separator: "\n").suffix(2).map {
            (try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])?["kind"] as? String
        }
        XCTAssertEqual(kinds, ["applied", "exit"])
    }
}
