import Foundation
import RunbookTestSupport
import XCTest
import RunbookHost

/// `plan --host` and `apply --host` against a real sshd in its own network namespace: the
/// server's side runs `runbook agent` on a `--root` sandbox, never on this machine's `/`.
final class RemoteHostTests: XCTestCase {
    var server: SSHServer!
    var base: URL!
    var sandbox: URL!
    let host = "root@\(SSHServer.address)"

    override func setUpWithError() throws {
        server = try SSHServer(self)
        base = try makeTemporaryDirectory(self, "remote-host")
        sandbox = base.appendingPathComponent("sandbox")
        try FileManager.default.createDirectory(at: sandbox, withIntermediateDirectories: true)
    }

    override func tearDown() {
        server?.tearDown()
    }

    func runbook(_ arguments: [String], remote: Bool) throws -> Subprocess.Result {
        try RunbookBinary.run(arguments + ["--runbook", "Runbook", "--root", sandbox.path] + (remote ? ["--host", host] : []),
                              environment: server.environment)
    }

    var shippedBinary: String {
        get throws {
            let sha = SHA256.hex(try Data(contentsOf: URL(fileURLWithPath: RunbookBinary.path)))
            return sandbox.appendingPathComponent("var/lib/runbook/bin/runbook-\(sha)").path
        }
    }

    func testARemotePlanReadsAsALocalOneTheBinaryTravelsOnceAndNoSecretIsInAnyArgv() throws {
        let secret = (0..<4).map { _ in String(format: "%016llx", UInt64.random(in: 0...UInt64.max)) }.joined()
        let varsFile = base.appendingPathComponent("server.vars")
        try write("secret=\(secret)\ndomain=inference.test\n", to: varsFile, mode: 0o600)
        let vars = ["--vars-file", varsFile.path]

        let first = try runbook(["plan"] + vars, remote: true)
        XCTAssertEqual(first.status, 2, first.all)
        XCTAssertTrue(first.stderr.contains("Sent this runbook to \(host) ("), first.stderr)
        let binary = try shippedBinary
        let shipped = try FileManager.default.attributesOfItem(atPath: binary)
        XCTAssertEqual(shipped[.posixPermissions] as? Int, 0o700)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: binary)), try Data(contentsOf: URL(fileURLWithPath: RunbookBinary.path)))

        // The same plan, made on the server itself (this machine, where the sandbox is).
        let local = try runbook(["plan"] + vars, remote: false)
        XCTAssertEqual(local.status, 2, local.all)
        let (remoteLines, localLines) = (first.stdout.components(separatedBy: "\n"), local.stdout.components(separatedBy: "\n"))
        XCTAssertEqual(remoteLines.first, "Plan for Runbook on \(host) --root \(sandbox.path)")
        XCTAssertEqual(localLines.first, "Plan for Runbook on --root \(sandbox.path)")
        XCTAssertEqual(Array(remoteLines.dropFirst()), Array(localLines.dropFirst()))
        XCTAssertTrue(first.stdout.contains("inference.test"), first.stdout)
        XCTAssertFalse(first.all.contains(secret))

        let remoteJSON = try runbook(["plan", "--json"] + vars, remote: true)
        let localJSON = try runbook(["plan", "--json"] + vars, remote: false)
        var remoteDocument = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(remoteJSON.stdout.utf8)) as? [String: Any])
        let localDocument = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(localJSON.stdout.utf8)) as? [String: Any])
        XCTAssertEqual(remoteDocument["target"] as? String, "\(host) --root \(sandbox.path)")
        remoteDocument["target"] = localDocument["target"]
        XCTAssertEqual(remoteDocument as NSDictionary, localDocument as NSDictionary)

        let watcher = ProcessWatcher()
        let apply = try runbook(["apply"] + vars, remote: true)
        let commandLines = watcher.stop()
        XCTAssertEqual(apply.status, 0, apply.all)
        XCTAssertTrue(apply.stdout.contains("Apply complete: 10 steps changed; snapshot 1 recorded"), apply.stdout)
        // The agent's `event` documents, rendered here as a local apply renders its events.
        XCTAssertTrue(apply.stdout.contains("\n  → 01-bind-localhost/2  "), apply.stdout)
        // Marked and described as a local apply marks and describes it.
        XCTAssertTrue(apply.stdout.contains("\n  + 01-bind-localhost/2  file /etc/systemd/system/ollama.service.d/10-bind-localhost.conf ("), apply.stdout)
        XCTAssertTrue(apply.stdout.contains("\n      create /etc/systemd/system/ollama.service.d/10-bind-localhost.conf"), apply.stdout)
        XCTAssertTrue(apply.stdout.contains("\nTook "), apply.stdout)
        XCTAssertTrue(apply.stderr.contains("\(host) has this runbook already (\(binary))"), apply.stderr)
        XCTAssertFalse(apply.all.contains(secret))
        let again = try FileManager.default.attributesOfItem(atPath: binary)
        XCTAssertEqual(again[.systemFileNumber] as? UInt64, shipped[.systemFileNumber] as? UInt64, "the binary was sent again")
        XCTAssertEqual(again[.modificationDate] as? Date, shipped[.modificationDate] as? Date, "the binary was sent again")
        let dropIn = try String(contentsOf: sandbox.appendingPathComponent("etc/systemd/system/ollama.service.d/10-bind-localhost.conf"), encoding: .utf8)
        XCTAssertTrue(dropIn.contains("OLLAMA_HOST=127.0.0.1:11434"), dropIn)

        // Both ends were seen, and neither had the secret on its command line.
        let ssh = commandLines.filter { $0.contains("ControlPath=") && $0.contains(SSHServer.address) }
        let agent = commandLines.filter { $0.contains("runbook-") && $0.hasSuffix(" agent") || $0.hasSuffix("' agent") }
        XCTAssertFalse(ssh.isEmpty, "no ssh process was seen")
        XCTAssertFalse(agent.isEmpty, "no agent process was seen on the server")
        for line in ssh {
            for option in ["BatchMode=yes", "ControlMaster=auto", "ControlPersist=60", "-F \(server.sshConfig.path)"] {
                XCTAssertTrue(line.contains(option), "\(option) missing from \(line)")
            }
        }
        XCTAssertEqual(commandLines.filter { $0.contains(secret) }, [])

        let converged = try runbook(["plan"] + vars, remote: true)
        let convergedHere = try runbook(["plan"] + vars, remote: false)
        XCTAssertEqual(converged.status, 0, converged.all)
        XCTAssertEqual(convergedHere.status, 0, convergedHere.all)
        XCTAssertEqual(converged.stdout.components(separatedBy: "\n").dropFirst(), convergedHere.stdout.components(separatedBy: "\n").dropFirst())

        // `ssh -O exit` ended the master connection, and its socket directory is gone.
        let masters = try Subprocess.run("/usr/bin/pgrep", ["-f", "ControlPersist=60.*\(SSHServer.address)"])
        XCTAssertEqual(masters.stdout, "", "an ssh master outlived the command")
    }

    func testAnUnknownHostKeyIsRefusedAndNothingIsSent() throws {
        try write("", to: server.url("known_hosts"))
        let result = try runbook(["plan"], remote: true)
        XCTAssertEqual(result.status, 69, result.all)
        XCTAssertTrue(result.stderr.contains("cannot reach \(host) over ssh"), result.stderr)
        XCTAssertTrue(result.stderr.contains("Host key verification failed"), result.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: sandbox.appendingPathComponent("var").path))
    }

    func testAHostWhoseLockIsHeldAnswersLockedAsALocalApplyWould() throws {
        let first = try runbook(["apply"], remote: true)
        XCTAssertEqual(first.status, 0, first.all)
        let lock = sandbox.appendingPathComponent("var/lib/runbook/lock").path
        // Held on the server's side; the namespace's teardown ends it.
        let (program, arguments) = server.namespace.command("/usr/bin/flock", ["--nonblock", lock, "/bin/sh", "-c", "echo held; sleep 30"])
        let holder = try BackgroundCommand(executable: program, arguments: arguments, log: server.url("holder.log"))
        XCTAssertTrue(holder.waitForOutput(containing: "held", timeout: 10), holder.output)

        let locked = try runbook(["apply", "--json"], remote: true)
        XCTAssertEqual(locked.status, 75, locked.all)
        let document = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(locked.stdout.utf8)) as? [String: Any], locked.stdout)
        XCTAssertEqual(document["kind"] as? String, "errors")
        XCTAssertTrue(locked.stderr.contains("lock"), locked.stderr)
    }
}
