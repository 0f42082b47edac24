import Foundation
import RunbookTestSupport
import XCTest
import RunbookHost

/// `--host` many times and `--inventory` against five real Debian servers at once, over real ssh
/// (``FleetServers``): a fleet converges in parallel; an unreachable host and a locked one are
/// results, not errors of the others; a connection cut midway leaves no host half-applied, and the
/// next plan says how each apply ended; a canary that fails stops the rollout; a login that is not
/// root works with `--become`; the binary travels once; no secret is on any command line; an Ansible
/// inventory's groups and `--limit` choose the hosts.
final class FleetTests: XCTestCase {
    var fleet: FleetServers!
    var base: URL!
    let fixture = RunbookBinary.fixtures.appendingPathComponent("runbooks/fleet").path
    let token = "fleet-token-" + (0..<3).map { _ in String(format: "%08x", UInt32.random(in: 0...UInt32.max)) }.joined()
    var varsFile: URL { base.appendingPathComponent("fleet.vars") }
    var names: [String] { fleet.servers.map(\.name) }

    func boot(_ release: DebianRelease = .trixie) throws {
        fleet = try FleetServers(count: 5, release: release)
        print("fleet timing: 5 \(release.title) servers up in \(String(format: "%.1f", fleet.bootSeconds)) s")
        base = try makeTemporaryDirectory(self, "fleet")
        try write("token=\(token)\n", to: varsFile, mode: 0o600)
    }

    override func tearDown() {
        if let fleet, (testRun?.totalFailureCount ?? 0) > 0 {
            for server in fleet.servers { print("---- \(server.name) ----\n\(server.instance.transcript)") }
        }
        fleet?.tearDown()
    }

    /// An inventory in runbook's own format: one line a host, with its values.
    func inventory(_ lines: [String]) throws -> String {
        let file = base.appendingPathComponent("hosts-\(UUID().uuidString.prefix(6))")
        try write(lines.joined(separator: "\n") + "\n", to: file)
        return file.path
    }

    func runbook(_ arguments: [String]) throws -> Subprocess.Result {
        let result = try fleet.runbook(arguments + ["--runbook", fixture, "--vars-file", varsFile.path])
        XCTAssertFalse(result.all.contains(token), "the secret was shown:\n\(result.all)")
        return result
    }

    func fleetDocument(_ result: Subprocess.Result) throws -> [String: Any] {
        let last = try XCTUnwrap(result.stdout.split(separator: "\n").last, result.all)
        let whole = result.stdout.hasPrefix("{\n") ? result.stdout : String(last)
        let document = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(whole.utf8)) as? [String: Any], result.stdout)
        XCTAssertEqual(document["kind"] as? String, "fleet")
        let schema = try JSONSchemaSubset(markdown: RunbookBinary.packageRoot.appendingPathComponent("docs/JSON.md"), id: "fleet")
        XCTAssertEqual(try schema.problems(in: Data(whole.utf8)), [])
        return document
    }

    func results(_ document: [String: Any]) -> [String: String] {
        Dictionary(uniqueKeysWithValues: ((document["hosts"] as? [[String: Any]]) ?? []).map { ($0["host"] as! String, $0["result"] as! String) })
    }

    func file(_ path: String, on server: FleetServers.Server) throws -> String? {
        let read = try fleet.run(server, "cat \(path)")
        return read.status == 0 ? read.stdout : nil
    }

    // Scenarios 1, 6 and 7: in parallel, converged, the binary once, no secret in any argv.
    func testAFleetConvergesInParallelTheBinaryTravelsOnceAndNoSecretIsOnAnyCommandLine() throws {
        try boot()
        let hosts = names.flatMap { ["--host", $0] }
        let plan = try runbook(["plan"] + hosts)
        XCTAssertEqual(plan.status, 2, plan.all)
        // Five fresh servers with the same values: one plan, under all five names.
        XCTAssertTrue(plan.stdout.hasPrefix("Plan for \(fixture) on 5 hosts with one plan (web-1, web-2, web-3, web-4, web-5)\n"), plan.stdout)
        XCTAssertEqual(plan.stdout.components(separatedBy: "Plan for ").count, 2, plan.stdout)
        XCTAssertTrue(plan.stdout.contains("\n5 hosts: 5 with changes pending; 20 steps with changes; took "), plan.stdout)
        for name in names { XCTAssertTrue(plan.stderr.contains("\(name)  Sent this runbook to \(name) ("), plan.stderr) }
        let sentByPlan = try fleet.servers.map { try fleet.bytesSent(to: $0) }
        let binarySize = try Data(contentsOf: URL(fileURLWithPath: try ReleaseBinary.path("runbook"))).count
        XCTAssertTrue(sentByPlan.allSatisfy { $0 > binarySize }, "each host should have been sent the binary once: \(sentByPlan)")

        let labelled = try inventory(fleet.servers.map { "\($0.name) label=\($0.name)" })
        let watcher = ProcessWatcher()
        let apply = try runbook(["apply", "--inventory", labelled, "--parallel", "5"])
        let commandLines = watcher.stop()
        XCTAssertEqual(apply.status, 0, apply.all)
        let sentByApply = try fleet.servers.enumerated().map { try fleet.bytesSent(to: $0.element) - sentByPlan[$0.offset] }
        XCTAssertTrue(sentByApply.allSatisfy { $0 < binarySize / 10 }, "the binary was sent again: \(sentByApply) bytes")
        for name in names {
            XCTAssertTrue(apply.stderr.contains("\(name)  \(name) has this runbook already"), apply.stderr)
            XCTAssertTrue(apply.stdout.contains("\n\(name)    → 01-files/1  file /srv/fleet/greeting.txt: started"), apply.stdout)
            XCTAssertNotNil(apply.stdout.range(of: "\n\(name) +applied +4 +0 +- +[0-9.]+ m?s\n", options: .regularExpression), apply.stdout)
        }
        XCTAssertTrue(apply.stdout.contains("\nhost   result   changed  unchanged  failed step  took\n"), apply.stdout)
        XCTAssertTrue(apply.stdout.contains("\n5 hosts: 5 applied; 20 steps changed; took "), apply.stdout)
        for server in fleet.servers {
            XCTAssertEqual(try file("/srv/fleet/greeting.txt", on: server), "hello from \(server.name)\n")
            XCTAssertEqual(try fleet.run(server, "stat -c %a /srv/fleet/token.conf").stdout, "600\n")
        }
        // Controller and servers are one machine's processes here: every command line of both.
        let agents = commandLines.filter { $0.hasSuffix(" agent") }
        XCTAssertGreaterThanOrEqual(agents.count, 5, "the agents on the servers were not seen")
        XCTAssertEqual(commandLines.filter { $0.contains(token) }, [])

        let converged = try runbook(["plan", "--inventory", labelled, "--json"])
        XCTAssertEqual(converged.status, 0, converged.all)
        let document = try fleetDocument(converged)
        XCTAssertEqual(results(document), Dictionary(uniqueKeysWithValues: names.map { ($0, "converged") }))
    }

    // Scenario 2, and a locked host: the others converge; the summary and the exit code say which did not.
    func testAnUnreachableHostAndALockedOneAreTheirOwnResultsAndTheOthersConverge() throws {
        try boot()
        let holder = try fleet.servers[2].instance.start("mkdir -p /var/lib/runbook && flock /var/lib/runbook/lock sh -c 'echo held; sleep 30'",
                                                        log: base.appendingPathComponent("holder.log"))
        XCTAssertTrue(holder.waitForOutput(containing: "held", timeout: 10), holder.output)
        let hosts = try inventory(names + [FleetServers.unreachable.name])
        let apply = try runbook(["apply", "--inventory", hosts])
        XCTAssertEqual(apply.status, 69, apply.all)
        XCTAssertNotNil(apply.stdout.range(of: "\nweb-dead +unreachable +- +- +- ", options: .regularExpression), apply.stdout)
        XCTAssertNotNil(apply.stdout.range(of: "\nweb-3 +locked ", options: .regularExpression), apply.stdout)
        XCTAssertTrue(apply.stdout.contains("web-dead: unreachable: cannot reach web-dead over ssh: ssh: connect to host \(FleetServers.unreachable.address) port 22"), apply.stdout)
        XCTAssertTrue(apply.stdout.contains("\n6 hosts: 4 applied, 1 unreachable, 1 locked; 16 steps changed; took "), apply.stdout)
        for (index, server) in fleet.servers.enumerated() {
            XCTAssertEqual(try file("/srv/fleet/done.txt", on: server), index == 2 ? nil : "server is done\n", server.name)
        }
        for pid in FreshServer.descendants(of: holder.processIdentifier) + [holder.processIdentifier] { kill(pid, SIGKILL) }
        // A plan takes no lock: web-3 plans as any other host that has not converged.
        let json = try runbook(["plan", "--inventory", hosts, "--json"])
        XCTAssertEqual(json.status, 69, json.all)
        XCTAssertEqual(results(try fleetDocument(json)), ["web-1": "converged", "web-2": "converged", "web-3": "changesPending",
                                                          "web-4": "converged", "web-5": "converged", "web-dead": "unreachable"])
    }

    // Scenario 3: the controller killed, and one link down, midway: every host ends converged, and
    // the next plan says how each apply ended.
    func testACutConnectionLeavesNoHostHalfAppliedAndTheNextPlanSaysHowTheApplyEnded() throws {
        try boot()
        let hosts = try inventory(names.map { "\($0) pause=6" })
        let log = base.appendingPathComponent("apply.log")
        let apply = try fleet.startRunbook(["apply", "--inventory", hosts, "--runbook", fixture, "--vars-file", varsFile.path], log: log)
        let deadline = Date().addingTimeInterval(60)
        while apply.output.components(separatedBy: "01-files/3  run sleep 6: started").count < 6, Date() < deadline { usleep(50_000) }
        XCTAssertEqual(apply.output.components(separatedBy: "01-files/3  run sleep 6: started").count, 6, apply.output)
        try fleet.cutLink(fleet.servers[4])
        // The controller's machine dies: runbook and every ssh it started, at once.
        let controller = apply.processIdentifier
        for pid in FreshServer.descendants(of: controller) + [controller] { kill(pid, SIGKILL) }
        XCTAssertNotNil(apply.wait(timeout: 10))
        for server in fleet.servers {
            let finished = Date().addingTimeInterval(30)
            while try file("/srv/fleet/done.txt", on: server) == nil, Date() < finished { usleep(200_000) }
            XCTAssertEqual(try file("/srv/fleet/done.txt", on: server), "server is done\n", "\(server.name) is half-applied")
        }
        try fleet.restoreLink(fleet.servers[4])
        let plan = try runbook(["plan", "--inventory", hosts])
        XCTAssertEqual(plan.status, 0, plan.all)
        for name in names {
            XCTAssertNotNil(plan.stderr.range(of: "\(name) +note: the apply started [0-9T:.Z-]+, whose connection dropped, finished: 4 steps changed",
                                              options: .regularExpression), plan.stderr)
        }
        let again = try runbook(["plan", "--inventory", hosts])
        XCTAssertEqual(again.status, 0, again.all)
        XCTAssertFalse(again.stderr.contains("connection dropped"), "an earlier apply was reported twice:\n\(again.stderr)")
        let snapshots = try fleet.runbook(["snapshots", "--inventory", hosts, "--json"])
        XCTAssertEqual(snapshots.status, 0, snapshots.all)
        for host in try XCTUnwrap(try fleetDocument(snapshots)["hosts"] as? [[String: Any]]) {
            let document = try XCTUnwrap(host["document"] as? [String: Any])
            let statuses = (document["snapshots"] as? [[String: Any]])?.map { $0["status"] as? String }
            XCTAssertEqual(statuses, ["succeeded"], "\(host)")
        }
    }

    // Scenario 4, on Debian 12: the canary fails on its own bad value, and no other host is touched.
    func testACanaryThatFailsStopsTheRolloutBeforeAnyOtherHostIsTouched() throws {
        try boot(.bookworm)
        let hosts = try inventory(["web-1 label=Not-A-Label"] + names.dropFirst().map { "\($0) label=\($0)" })
        let apply = try runbook(["apply", "--inventory", hosts, "--serial", "1,100%"])
        XCTAssertEqual(apply.status, 1, apply.all)
        XCTAssertTrue(apply.stderr.contains("Applying to 5 hosts, at most 10 at once, in 2 batches of 1, 4."), apply.stderr)
        XCTAssertTrue(apply.stderr.contains("web-1  \(hosts):1:7: error: "), apply.stderr)
        XCTAssertNotNil(apply.stdout.range(of: "\nweb-1 +failed ", options: .regularExpression), apply.stdout)
        for name in names.dropFirst() {
            XCTAssertNotNil(apply.stdout.range(of: "\n\(name) +not started +- +- +- +-\n", options: .regularExpression), apply.stdout)
            XCTAssertTrue(apply.stdout.contains("\(name): not started: batch 1 had too many failures, so batch 2 was called off"), apply.stdout)
        }
        for server in fleet.servers {
            XCTAssertEqual(try fleet.run(server, "test -e /srv/fleet || test -e /var/lib/runbook/snapshots").status, 1, "\(server.name) was touched")
        }
    }

    // Scenario 5: a login that is not root, through sudo -n; one whose sudo wants a password is refused first.
    func testANonRootLoginAppliesWithBecomeAndASudoThatWouldAskIsRefusedBeforeAnythingIsSent() throws {
        try boot()
        let become = try runbook(["apply", "--host", "deploy@web-1", "--become"])
        XCTAssertEqual(become.status, 0, become.all)
        XCTAssertTrue(become.stdout.contains("Apply complete: 4 steps changed"), become.stdout)
        XCTAssertEqual(try fleet.run(fleet.servers[0], "stat -c '%U %a' /srv/fleet/token.conf /var/lib/runbook").stdout, "root 600\nroot 700\n")
        let withoutBecome = try runbook(["plan", "--host", "deploy@web-2"])
        XCTAssertEqual(withoutBecome.status, 1, withoutBecome.all)
        XCTAssertTrue(withoutBecome.stderr.contains("could not store the runbook binary in /var/lib/runbook/bin"), withoutBecome.stderr)
        let asker = try runbook(["apply", "--host", "asker@web-3", "--become"])
        XCTAssertEqual(asker.status, 1, asker.all)
        XCTAssertTrue(asker.stderr.contains("sudo on asker@web-3 asks asker for a password, and --become runs `sudo -n`, which never asks"), asker.stderr)
        XCTAssertEqual(try fleet.run(fleet.servers[2], "test -e /var/lib/runbook").status, 1, "a refused --become left something behind")
    }

    // Scenario 8: an Ansible inventory, its groups and values, and --limit.
    func testAnAnsibleInventorysGroupsValuesAndLimitChooseTheHostsAndWhatTheyGet() throws {
        try boot()
        let hosts = base.appendingPathComponent("hosts.ini")
        try write("""
            [canary]
            web-1 label=canary
            [rest]
            web-[2:5]
            [rest:vars]
            greeting="good day"
            [inference:children]
            canary
            rest
            [all:vars]
            ansible_user=root
            ansible_python_interpreter=/usr/bin/python3
            ntp_server=pool.ntp.org

            """, to: hosts)
        let apply = try runbook(["apply", "--inventory", hosts.path, "--limit", "inference,!canary,!web-5"])
        XCTAssertEqual(apply.status, 0, apply.all)
        XCTAssertTrue(apply.stderr.contains("note: \(hosts.path): left to Ansible: ansible_python_interpreter"), apply.stderr)
        XCTAssertTrue(apply.stderr.contains("values of variables this runbook does not declare are left to Ansible: ntp_server"), apply.stderr)
        XCTAssertTrue(apply.stdout.contains("\n3 hosts: 3 applied; 12 steps changed; took "), apply.stdout)
        for (index, server) in fleet.servers.enumerated() {
            XCTAssertEqual(try file("/srv/fleet/greeting.txt", on: server), (1...3).contains(index) ? "good day from server\n" : nil, server.name)
        }
        let typo = try runbook(["plan", "--inventory", hosts.path, "--limit", "canery"])
        XCTAssertEqual(typo.status, 1, typo.all)
        XCTAssertTrue(typo.stderr.contains("--limit 'canery' matches no host or group of \(hosts.path) (did you mean 'canary'?)"), typo.stderr)
    }

    // Saved plans per host: each host checks its own part; one stale part stops all, unless --skip-stale.
    func testAFleetPlanIsSavedPerHostAndAppliedOnlyWhereItStillHolds() throws {
        try boot()
        let hosts = try inventory(names.map { "\($0) label=\($0)" })
        let planFile = base.appendingPathComponent("fleet.plan").path
        let plan = try runbook(["plan", "--inventory", hosts, "--out", planFile])
        XCTAssertEqual(plan.status, 2, plan.all)
        XCTAssertTrue(plan.stderr.contains("Saved the plans of 5 hosts to \(planFile)"), plan.stderr)
        let saved = try String(contentsOfFile: planFile, encoding: .utf8)
        XCTAssertFalse(saved.contains(token), "the saved plan holds the secret")
        XCTAssertEqual(try FileManager.default.attributesOfItem(atPath: planFile)[.posixPermissions] as? Int, 0o600)
        let shown = try fleet.runbook(["show", planFile])
        XCTAssertEqual(shown.status, 2, shown.all)
        XCTAssertEqual(shown.stdout.components(separatedBy: "Plan for ").count - 1, 5, shown.stdout)

        // web-2 changes after the review: its part is stale, and no host is touched.
        try fleet.run(fleet.servers[1], "mkdir -p /srv/fleet && echo edited > /srv/fleet/greeting.txt")
        let refused = try fleet.runbook(["apply", planFile, "--vars-file", varsFile.path])
        XCTAssertEqual(refused.status, 3, refused.all)
        XCTAssertTrue(refused.stderr.contains("web-2  stale: /srv/fleet/greeting.txt"), refused.stderr)
        XCTAssertTrue(refused.stdout.contains("Nothing was applied: 1 of 5 hosts cannot carry out their part of \(planFile)"), refused.stdout)
        for (index, server) in fleet.servers.enumerated() {
            XCTAssertEqual(try file("/srv/fleet/done.txt", on: server), nil, "\(server.name) was applied")
            XCTAssertEqual(try file("/srv/fleet/greeting.txt", on: server), index == 1 ? "edited\n" : nil)
        }
        let skipping = try fleet.runbook(["apply", planFile, "--vars-file", varsFile.path, "--skip-stale"])
        XCTAssertEqual(skipping.status, 3, skipping.all)
        XCTAssertNotNil(skipping.stdout.range(of: "\nweb-2 +stale ", options: .regularExpression), skipping.stdout)
        XCTAssertTrue(skipping.stdout.contains("\n5 hosts: 4 applied, 1 stale; 16 steps changed; took "), skipping.stdout)
        for (index, server) in fleet.servers.enumerated() where index != 1 {
            XCTAssertEqual(try file("/srv/fleet/done.txt", on: server), "\(server.name) is done\n")
        }
        let again = try fleet.runbook(["apply", planFile, "--vars-file", varsFile.path, "--limit", "web-1"])
        XCTAssertEqual(again.status, 3, again.all)
        XCTAssertTrue(again.stderr.contains("was applied already"), again.stderr)
    }
}
