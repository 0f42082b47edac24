import Foundation
import Glibc
import XCTest

/// Every command runbook starts has a timeout (`timeout=SECONDS`, 300 by default; an http
/// check's request 60). A hung validation, guard, run step, handler or check is killed with its
/// whole process group, an http check with no answer gives up, the step fails at its line saying
/// so, and what the apply changed is put back. A program that leaves a background child holding
/// its output open does not hang the apply.
final class CommandTimeoutTests: XCTestCase {
    var base: URL!

    override func setUpWithError() throws {
        base = try makeTemporaryDirectory(self, "timeout")
        try write("old\n", to: base.appendingPathComponent("site.conf"))
    }

    func runbook(_ command: String, _ chapter: String) throws -> (Subprocess.Result, seconds: Double) {
        let directory = base.appendingPathComponent("runbook")
        try write(chapter, to: directory.appendingPathComponent("01-timeout.md"))
        let started = Date()
        let result = try RunbookBinary.run([command, "--runbook", directory.path, "--state-dir", base.appendingPathComponent("state").path])
        return (result, Date().timeIntervalSince(started))
    }

    var site: String { base.appendingPathComponent("site.conf").path }
    var pidFile: String { base.appendingPathComponent("child.pid").path }

    /// The background `sleep` a hung script started, which must be gone with its group.
    func assertChildKilled(file: StaticString = #filePath, line: UInt = #line) throws {
        guard let text = try? String(contentsOfFile: pidFile, encoding: .utf8), let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            return XCTFail("the script did not record its child", file: file, line: line)
        }
        // Killed but not yet reaped (its shell is gone, so whoever adopted it reaps it) counts as gone.
        func alive() -> Bool {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let state = stat.split(separator: ")").last?.split(separator: " ").first else { return false }
            return state != "Z" && state != "X"
        }
        for _ in 0..<50 where alive() { usleep(20_000) }
        XCTAssertFalse(alive(), "the background child \(pid) outlived the timeout", file: file, line: line)
        kill(pid, SIGKILL)
    }

    func testAHungCommandOfEveryKindIsKilledAndTheStepFailsAtItsLine() throws {
        let hang = "sleep 60 & echo $! > \(pidFile); sleep 60"
        let cases: [(String, String)] = [
            ("validate=", """
                # Hung

                ```ini file=\(site) validate="\(hang)" timeout=1
                new
                ```

                """),
            ("a run step", """
                # Hung

                ```sh run always timeout=1
                echo new > \(site)
                \(hang)
                ```

                """),
            ("a handler", """
                # Hung

                ```ini file=\(site) notify=stuck
                new
                ```

                ```sh handler=stuck timeout=1
                \(hang)
                ```

                """),
            ("a check", """
                # Hung

                ```ini file=\(site)
                new
                ```

                ```sh check timeout=1
                \(hang)
                ```

                """),
        ]
        for (what, chapter) in cases {
            try write("old\n", to: URL(fileURLWithPath: site))
            try? FileManager.default.removeItem(atPath: pidFile)
            let (result, seconds) = try runbook("apply", chapter)
            XCTAssertEqual(result.status, 1, "\(what): \(result.all)")
            XCTAssertLessThan(seconds, 15, "\(what) hung the apply")
            XCTAssertTrue(result.all.contains("timed out after 1 s"), "\(what): \(result.all)")
            XCTAssertTrue(result.all.contains("01-timeout.md:"), "\(what) is not reported at its step: \(result.all)")
            // A run step's own writes are its script's business; every other kind changed the file through runbook.
            if what != "a run step" {
                XCTAssertEqual(try String(contentsOfFile: site, encoding: .utf8), "old\n", "\(what): the change was not put back")
            }
            try assertChildKilled()
        }
    }

    func testAHungGuardFailsThePlan() throws {
        let (result, seconds) = try runbook("plan", """
            # Hung guard

            ```sh run unless="sleep 60 & echo $! > \(pidFile); sleep 60" timeout=1
            echo new > \(site)
            ```

            """)
        XCTAssertEqual(result.status, 1, result.all)
        XCTAssertLessThan(seconds, 15)
        XCTAssertTrue(result.stderr.contains("01-timeout.md:3:1: error: cannot run `sleep 60 & echo"), result.stderr)
        XCTAssertTrue(result.stderr.contains("timed out after 1 s"), result.stderr)
        try assertChildKilled()
    }

    /// The daemon-style case: the script exits, its child keeps stdout open for a minute.
    func testABackgroundChildHoldingOutputOpenDoesNotHangTheApply() throws {
        let (result, seconds) = try runbook("apply", """
            # Daemon

            ```sh run always
            sleep 60 &
            echo $! > \(pidFile)
            ```

            """)
        XCTAssertEqual(result.status, 0, result.all)
        XCTAssertLessThan(seconds, 10, "the apply waited for the background child")
        if let text = try? String(contentsOfFile: pidFile, encoding: .utf8), let pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines)) {
            kill(pid, SIGKILL)
        }
    }

    /// A server that takes the connection and never answers: the http check's request gives up at
    /// its `timeout=`, where it used to wait out curl's fixed minute.
    func testAnHTTPCheckWithNoAnswerGivesUpAtItsTimeout() throws {
        let server = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(server) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let listening = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(server, $0, length) == 0 && listen(server, 8) == 0 && getsockname(server, $0, &length) == 0 }
        }
        XCTAssertTrue(listening, "cannot listen on 127.0.0.1: errno \(errno)")
        // The kernel completes the handshake from the backlog; nothing ever accepts or answers.
        let port = UInt16(bigEndian: address.sin_port)
        let (result, seconds) = try runbook("apply", """
            # Silent

            ```ini file=\(site)
            new
            ```

            ```http check timeout=1
            GET http://127.0.0.1:\(port)/
            ```

            """)
        XCTAssertEqual(result.status, 1, result.all)
        XCTAssertLessThan(seconds, 15, "the http check waited past its timeout")
        XCTAssertTrue(result.stderr.contains("01-timeout.md:7:1: error: 01-timeout/2"), result.stderr)
        XCTAssertTrue(result.stderr.contains("Operation timed out after"), result.stderr)
        XCTAssertEqual(try String(contentsOfFile: site, encoding: .utf8), "old\n", "the change was not put back")
    }

    func testABadTimeoutIsRefusedAtItsLine() throws {
        for value in ["0", "-1", "abc", "1.5", "86401"] {
            let (result, _) = try runbook("check", """
                # Bad

                ```sh run always timeout=\(value)
                true
                ```

                """)
            XCTAssertEqual(result.status, 1, "timeout=\(value): \(result.all)")
            XCTAssertTrue(result.stderr.contains("01-timeout.md:3:"), "timeout=\(value): \(result.stderr)")
            XCTAssertTrue(result.stderr.contains("timeout= takes a whole number from 1 to 86400"), "timeout=\(value): \(result.stderr)")
        }
    }
}
