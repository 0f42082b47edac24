import Foundation
import XCTest

/// Apply on the live host (no `--root`), with every path inside a temporary folder: handlers,
/// guards, validations, checks and http checks really run, and failures really restore.
final class LiveHostTests: XCTestCase {
    let runbook = RunbookBinary.fixtures.appendingPathComponent("runbooks/live").path
    var base: URL!
    var state: URL!
    var standIn: Process?
    var apiPort = 0

    override func setUpWithError() throws {
        let temporary = try makeTemporaryDirectory(self, "live")
        base = temporary.appendingPathComponent("base")
        state = temporary.appendingPathComponent("state")
        try FileManager.default.createDirectory(at: base.appendingPathComponent("etc"), withIntermediateDirectories: true)
        apiPort = try startStandIn(log: temporary.appendingPathComponent("standin.log"))
    }

    override func tearDown() {
        standIn?.terminate()
        standIn?.waitUntilExit()
    }

    /// The stand-in Ollama server on a free loopback port, for the http check.
    func startStandIn(log: URL) throws -> Int {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: RunbookBinary.product("ollama-standin"))
        process.environment = ["OLLAMA_HOST": "127.0.0.1:0"]
        FileManager.default.createFile(atPath: log.path, contents: nil)
        process.standardError = try FileHandle(forWritingTo: log)
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        standIn = process
        for _ in 0..<100 {
            let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
            if let range = text.range(of: "listening on 127.0.0.1:"),
               let port = Int(text[range.upperBound...].prefix { $0.isNumber }) {
                return port
            }
            usleep(50_000)
        }
        throw MissingStandIn()
    }

    struct MissingStandIn: Error {}

    func runbook(_ command: String, _ extra: [String] = []) throws -> Subprocess.Result {
        try RunbookBinary.run([command, "--runbook", runbook, "--state-dir", state.path, "--var", "base=\(base.path)",
                               "--var", "api_port=\(apiPort)"] + extra)
    }

    var handlerLog: String { (try? String(contentsOf: base.appendingPathComponent("handler.log"), encoding: .utf8)) ?? "" }

    func testLiveApplyRunsHandlersOnceChecksAndConverges() throws {
        let plan = try runbook("plan")
        XCTAssertEqual(plan.status, 2, plan.all)
        XCTAssertTrue(plan.stdout.contains("runs: \(base.path)/seed does not exist"), plan.stdout)
        XCTAssertTrue(plan.stdout.contains("· 01-service/5  package coreutils: coreutils already installed"), plan.stdout)

        let apply = try runbook("apply")
        XCTAssertEqual(apply.status, 0, apply.all)
        XCTAssertEqual(handlerLog, "reload\n", "notified twice, the handler runs once")
        XCTAssertEqual(try String(contentsOf: base.appendingPathComponent("seed"), encoding: .utf8), "seeded\n")
        XCTAssertFalse(FileManager.default.fileExists(atPath: base.appendingPathComponent("guard-broken").path))
        XCTAssertTrue(apply.stdout.contains("✓ 01-service/7"), apply.stdout)

        let replan = try runbook("plan")
        XCTAssertEqual(replan.status, 0, replan.all)
        XCTAssertTrue(replan.stdout.contains("the guard unless"), replan.stdout)
        let again = try runbook("apply")
        XCTAssertEqual(again.status, 0, again.all)
        XCTAssertEqual(handlerLog, "reload\n", "a converged apply fires no handler")
    }

    func testFailedValidationPutsTheOldFileBack() throws {
        XCTAssertEqual(try runbook("apply").status, 0)
        let config = base.appendingPathComponent("etc/app.conf")
        let before = try String(contentsOf: config, encoding: .utf8)
        let failed = try runbook("apply", ["--var", "greeting=bonjour"])
        XCTAssertEqual(failed.status, 1, failed.all)
        XCTAssertTrue(failed.stderr.contains("01-service.md:16:1: error: 01-service/1"), failed.stderr)
        XCTAssertTrue(failed.stderr.contains("validation `grep -q"), failed.stderr)
        XCTAssertTrue(failed.stderr.contains("Restored 1 path"), failed.stderr)
        XCTAssertEqual(try String(contentsOf: config, encoding: .utf8), before)
        XCTAssertEqual(handlerLog, "reload\n", "nothing new fired")
    }

    func testFailedCheckRestoresAndRerunsTheHandlersThatRan() throws {
        let failed = try runbook("apply", ["--var", "check_file=missing.conf"])
        XCTAssertEqual(failed.status, 1, failed.all)
        XCTAssertTrue(failed.stderr.contains("check failed after 2 attempts"), failed.stderr)
        XCTAssertFalse(FileManager.default.fileExists(atPath: base.appendingPathComponent("etc/app.conf").path))
        XCTAssertEqual(handlerLog, "reload\nreload\n", "the handler ran, then ran again for the restored configuration")
        XCTAssertTrue(failed.stdout.contains("handler reload-app rerun"), failed.stdout)
    }

    func testRollbackRerunsTheAffectedHandlers() throws {
        XCTAssertEqual(try runbook("apply").status, 0)
        let rollback = try runbook("rollback")
        XCTAssertEqual(rollback.status, 0, rollback.all)
        XCTAssertFalse(FileManager.default.fileExists(atPath: base.appendingPathComponent("etc/app.conf").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: base.appendingPathComponent("seed").path),
                       "what a run step's creates= names is removed too")
        XCTAssertEqual(handlerLog, "reload\nreload\n")
    }

    func testStepModeAsksBeforeEachStep() throws {
        let session = try TerminalSession(command: [RunbookBinary.path, "apply", "--step", "--runbook", runbook, "--state-dir", state.path,
                                                    "--var", "base=\(base.path)", "--var", "api_port=\(apiPort)"],
                                          environment: ["NO_COLOR": "1"])
        let status = session.answer(prompt: "Apply this step?", withEach: ["y", "q"], timeout: 60)
        XCTAssertEqual(status, 0, session.transcript)
        XCTAssertTrue(session.transcript.contains("Step 01-service/1: Configuration"), session.transcript)
        XCTAssertTrue(session.transcript.contains("Apply this step? [y/N/a/q/d/s/?]"), session.transcript)
        XCTAssertTrue(FileManager.default.fileExists(atPath: base.appendingPathComponent("etc/app.conf").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: base.appendingPathComponent("seed").path), "quit before it")
        XCTAssertEqual(handlerLog, "reload\n", "the handler notified by what was applied ran, so the service reads it")
        XCTAssertFalse(session.transcript.contains("✓ 01-service/6"), "the stopped chapter's checks did not run:\n\(session.transcript)")
        XCTAssertTrue(session.transcript.contains("Stopped at your request before 01-service/"), session.transcript)
    }

    func testOnlyAndChapterLimitTheRun() throws {
        let only = try runbook("apply", ["--only", "01-service/3"])
        XCTAssertEqual(only.status, 0, only.all)
        XCTAssertTrue(FileManager.default.fileExists(atPath: base.appendingPathComponent("seed").path))
        XCTAssertFalse(FileManager.default.fileExists(atPath: base.appendingPathComponent("etc/app.conf").path))
        let unknown = try runbook("apply", ["--chapter", "02-nothing"])
        XCTAssertEqual(unknown.status, 64)
        XCTAssertTrue(unknown.stderr.contains("--chapter 02-nothing: error: no chapter named '02-nothing'"), unknown.stderr)
    }

    func testTwoAppliesAtOnceTheSecondIsRefused() throws {
        // The first apply spends about a second in its streamed http check; the second starts meanwhile.
        let first = Process()
        first.executableURL = URL(fileURLWithPath: RunbookBinary.path)
        first.arguments = ["apply", "--runbook", runbook, "--state-dir", state.path, "--var", "base=\(base.path)",
                           "--var", "api_port=\(apiPort)"]
        first.standardOutput = FileHandle.nullDevice
        first.standardError = FileHandle.nullDevice
        try first.run()
        defer { first.waitUntilExit() }
        let lockFile = state.appendingPathComponent("lock").path
        for _ in 0..<100 where !((try? String(contentsOfFile: lockFile, encoding: .utf8)) ?? "").contains("pid=\(first.processIdentifier)") {
            usleep(20_000)
        }
        let second = try runbook("apply")
        XCTAssertEqual(second.status, 75, second.all)
        XCTAssertTrue(second.stderr.contains("pid \(first.processIdentifier), started 20"), second.stderr)
        first.waitUntilExit()
        XCTAssertEqual(first.terminationStatus, 0)
    }

    func testSecretsNeverReachACommandLine() throws {
        let token = "token-that-ps-must-never-show-4e7a1c"
        let varsFile = base.deletingLastPathComponent().appendingPathComponent("secret.vars")
        try write("token=\(token)\n", to: varsFile)
        let watcher = CommandLineWatcher()
        watcher.start()
        let apply = try runbook("apply", ["--vars-file", varsFile.path])
        let seen = watcher.stop()
        XCTAssertEqual(apply.status, 0, apply.all)
        XCTAssertTrue(seen.contains { $0.contains("curl") }, "the http check's curl should have been seen running")
        XCTAssertFalse(seen.contains { $0.contains(token) }, "a command line showed the secret: \(seen.filter { $0.contains(token) })")
    }
}

/// Reads every process's command line from /proc, over and over, until stopped.
final class CommandLineWatcher: @unchecked Sendable {
    private let lock = NSLock()
    private var seen: Set<String> = []
    private var running = true
    private let finished = DispatchSemaphore(value: 0)

    func start() {
        Thread.detachNewThread { [self] in
            while lock.withLock({ running }) {
                let found = (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.filter { $0.allSatisfy(\.isNumber) }
                    .compactMap { FileManager.default.contents(atPath: "/proc/\($0)/cmdline") }
                    .map { String(decoding: $0.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self) } ?? []
                lock.withLock { seen.formUnion(found) }
                usleep(2_000)
            }
            finished.signal()
        }
    }

    func stop() -> Set<String> {
        lock.withLock { running = false }
        finished.wait()
        return lock.withLock { seen }
    }
}
