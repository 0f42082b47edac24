import Foundation
import RunbookTestSupport
import XCTest
import RunbookHost

/// The fleet case of the benchmark: how long a command takes across N servers over real ssh, as
/// N grows. `Tests/fleet-bench.sh` runs it with sizes and repetitions (docs/FLEET.md has the
/// figures and the command); in the test suite it runs once, with five servers, as a smoke test
/// that asserts what the commands do and never how long they take.
///
/// For each size: the first plan (each host is sent the binary), the first apply, then `runs`
/// times a converged plan with cold connections, the same with the masters kept warm
/// (`RUNBOOK_SSH_CONTROL_DIR`), a no-op apply, and for comparison the plan made on one server
/// by itself, with no ssh at all. Each figure is the median of its runs.
final class FleetBenchmark: XCTestCase {
    var sizes: [Int] {
        (ProcessInfo.processInfo.environment["RUNBOOK_FLEET_BENCH_SIZES"] ?? "5").split(separator: ",").compactMap { Int($0) }
    }
    var runs: Int { Int(ProcessInfo.processInfo.environment["RUNBOOK_FLEET_BENCH_RUNS"] ?? "1") ?? 1 }
    var results: URL {
        URL(fileURLWithPath: ProcessInfo.processInfo.environment["RUNBOOK_FLEET_BENCH_RESULTS"] ?? "/tmp/runbook-fleet-bench.md")
    }
    let fixture = RunbookBinary.fixtures.appendingPathComponent("runbooks/fleet").path

    func testTheTimeOfAFleetCommandAsTheFleetGrows() throws {
        let base = try makeTemporaryDirectory(self, "fleet-bench")
        let varsFile = base.appendingPathComponent("fleet.vars")
        try write("token=fleet-bench-token-0123456789\n", to: varsFile, mode: 0o600)
        var rows = ["| hosts | boot | first plan (binary sent) | first apply | converged plan, cold | converged plan, warm masters | no-op apply | plan on one server, no ssh |",
                    "|---|---|---|---|---|---|---|---|"]
        for size in sizes {
            let fleet = try FleetServers(count: size)
            defer { fleet.tearDown() }
            let hosts = fleet.servers.map(\.name).joined(separator: "\n") + "\n"
            let inventory = base.appendingPathComponent("hosts-\(size)")
            try write(hosts, to: inventory)
            let common = ["--inventory", inventory.path, "--runbook", fixture, "--vars-file", varsFile.path]
            func timed(_ arguments: [String], status: Int32, environment: [String: String] = [:]) throws -> Double {
                let started = Date()
                let result = try fleet.runbook(arguments + common, environment: environment)
                let seconds = Date().timeIntervalSince(started)
                XCTAssertEqual(result.status, status, "\(arguments.joined(separator: " ")) across \(size):\n\(result.all)")
                return seconds
            }
            func median(_ arguments: [String], status: Int32, environment: [String: String] = [:]) throws -> Double {
                let samples = try (0..<runs).map { _ in try timed(arguments, status: status, environment: environment) }.sorted()
                return samples[samples.count / 2]
            }
            let firstPlan = try timed(["plan"], status: 2)
            let firstApply = try timed(["apply"], status: 0)
            let cold = try median(["plan"], status: 0)
            // Short, private and the user's: ssh's sockets must fit in 108 bytes.
            let kept = "/tmp/rbcm-\(UUID().uuidString.prefix(6))"
            try FileManager.default.createDirectory(atPath: kept, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
            defer { try? FileManager.default.removeItem(atPath: kept) }
            let keep = ["RUNBOOK_SSH_CONTROL_DIR": kept]
            _ = try timed(["plan"], status: 0, environment: keep)
            let warm = try median(["plan"], status: 0, environment: keep)
            let noOp = try median(["apply"], status: 0)
            // The same plan made on web-1 by the binary the fleet sent it, without ssh.
            let sha = SHA256.hex(try Data(contentsOf: URL(fileURLWithPath: try ReleaseBinary.path("runbook"))))
            let server = fleet.servers[0].instance
            try? FileManager.default.removeItem(at: server.root.appendingPathComponent("root/fleet"))
            try FileManager.default.copyItem(atPath: fixture, toPath: server.root.appendingPathComponent("root/fleet").path)
            try FileManager.default.copyItem(at: varsFile, to: server.root.appendingPathComponent("root/fleet.vars"))
            let local = try (0..<runs).map { _ -> Double in
                let started = Date()
                let plan = try server.run("cd /root && /var/lib/runbook/bin/runbook-\(sha) plan --runbook fleet --vars-file fleet.vars", quiet: true)
                let seconds = Date().timeIntervalSince(started)
                XCTAssertEqual(plan.status, 0, plan.all)
                return seconds
            }.sorted()[runs / 2]
            let row = [size].map(String.init) + [fleet.bootSeconds, firstPlan, firstApply, cold, warm, noOp, local].map { String(format: "%.2f s", $0) }
            rows.append("| " + row.joined(separator: " | ") + " |")
            print("fleet bench: " + row.joined(separator: "  "))
            // Written after each size, so that a size the machine cannot hold keeps the others.
            try write(rows.joined(separator: "\n") + "\n", to: results)
        }
        print("fleet bench: \(runs) run\(runs == 1 ? "" : "s") each, the medians; table in \(results.path)")
    }
}
