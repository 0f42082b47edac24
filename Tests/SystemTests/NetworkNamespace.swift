import Foundation
import RunbookTestSupport

/// A private network namespace with its own loopback, so a test's nginx can take ports 80 and
/// 443 without touching the host's, and so that teardown can find every process the test
/// started there (and only those).
final class NetworkNamespace {
    let name: String

    init(prefix: String) throws {
        name = "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
        try Self.check(try Subprocess.run("/usr/sbin/ip", ["netns", "add", name]), "ip netns add \(name)")
        try Self.check(try Subprocess.run("/usr/sbin/ip", ["-n", name, "link", "set", "lo", "up"]), "ip link set lo up")
    }

    /// Runs a shell script inside the namespace.
    @discardableResult
    func shell(_ script: String, environment: [String: String] = [:]) throws -> Subprocess.Result {
        try Subprocess.run("/usr/sbin/ip", ["netns", "exec", name, "/bin/sh", "-c", script], environment: environment)
    }

    /// The arguments that run a program inside the namespace.
    func command(_ program: String, _ arguments: [String]) -> (String, [String]) {
        ("/usr/sbin/ip", ["netns", "exec", name, program] + arguments)
    }

    var processIDs: [Int32] {
        let result = try? Subprocess.run("/usr/sbin/ip", ["netns", "pids", name])
        return result?.stdout.split(separator: "\n").compactMap { Int32($0) } ?? []
    }

    /// Stops everything still running in the namespace (all of it started by this test), then removes it.
    func tearDown() {
        for signal in [SIGTERM, SIGKILL] {
            let running = processIDs
            if running.isEmpty { break }
            for pid in running { kill(pid, signal) }
            for _ in 0..<50 where !processIDs.isEmpty { usleep(100_000) }
        }
        _ = try? Subprocess.run("/usr/sbin/ip", ["netns", "del", name])
    }

    static func check(_ result: Subprocess.Result, _ what: String) throws {
        if result.status != 0 {
            throw MissingTool(description: "\(what) failed (exit \(result.status)): \(result.all)")
        }
    }
}
