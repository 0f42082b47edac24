import Foundation
import RunbookTestSupport
import XCTest

/// The fleet harness does what the fleet tests rely on: five servers answer over real ssh, each
/// under its own name and with its own host key, checked strictly; the three users get the sudo
/// they were given; an address with no server fails as ssh fails; ssh started outside the
/// controller namespace is refused; and runbook's single-host `plan --host` and `apply --host`
/// reach one server of the fleet and no other.
final class FleetHarnessTests: XCTestCase {
    var fleet: FleetServers!

    override func setUpWithError() throws {
        fleet = try FleetServers(count: 5)
        let each = fleet.servers.map { String(format: "%.1f", $0.instance.bootSeconds) }.joined(separator: ", ")
        print("fleet timing: \(fleet.servers.count) \(fleet.release.title) servers up and answering ssh in "
            + "\(String(format: "%.1f", fleet.bootSeconds)) s (each booted in \(each) s)")
    }

    override func tearDown() {
        guard let fleet else { return }
        if (testRun?.totalFailureCount ?? 0) > 0 {
            for server in fleet.servers { print("---- \(server.name): every command and its output ----\n\(server.instance.transcript)") }
        }
        let started = Date()
        fleet.tearDown()
        print("fleet timing: torn down in \(String(format: "%.1f", Date().timeIntervalSince(started))) s")
    }

    func testFiveServersAnswerOverSSHWithTheirOwnNamesKeysAndUsersAndRunbookReachesOneOfThem() throws {
        XCTAssertEqual(fleet.servers.map(\.name), ["web-1", "web-2", "web-3", "web-4", "web-5"])
        XCTAssertEqual(fleet.servers.map(\.address), (11...15).map { "198.18.0.\($0)" })
        XCTAssertEqual(Set(fleet.servers.map(\.hostKey)).count, 5, "two servers share a host key")
        for server in fleet.servers {
            let hostname = try fleet.ssh(server.name, "hostname")
            XCTAssertEqual(hostname.status, 0, hostname.all)
            XCTAssertEqual(hostname.stdout, "\(server.name)\n")
            // The key the server's sshd presents, which StrictHostKeyChecking just accepted, is the one made for it.
            let key = try fleet.run(server, "cut -d' ' -f1-2 /etc/ssh/ssh_host_ed25519_key.pub")
            XCTAssertEqual(key.stdout, "\(server.hostKey)\n")
            let sudo = try fleet.ssh("deploy@\(server.name)", "sudo -n whoami")
            XCTAssertEqual(sudo.status, 0, sudo.all)
            XCTAssertEqual(sudo.stdout, "root\n")
            XCTAssertEqual(sudo.stderr, "", "sudo warned")
        }
        let asker = try fleet.ssh("asker@web-2", "id -nG; sudo -n whoami")
        XCTAssertEqual(asker.status, 1, asker.all)
        XCTAssertTrue(asker.stdout.split(whereSeparator: \.isWhitespace).contains("sudo"), asker.stdout)
        XCTAssertTrue(asker.stderr.contains("sudo: a password is required"), asker.stderr)

        let dead = try fleet.ssh(FleetServers.unreachable.name, "true")
        XCTAssertEqual(dead.status, 255, dead.all)
        XCTAssertTrue(dead.stderr.contains("connect to host \(FleetServers.unreachable.address) port 22"), dead.stderr)

        // From a namespace with no route to the fleet (so a broken guard still sends nothing off this machine).
        let elsewhere = try NetworkNamespace(prefix: "rbfleet-out")
        defer { elsewhere.tearDown() }
        let outside = try elsewhere.shell("ssh -F \(fleet.sshConfig.path) web-1 true")
        XCTAssertEqual(outside.status, 255, outside.all)
        XCTAssertTrue(outside.stderr.contains("run ssh there (ip netns exec \(fleet.controller.name) ssh ...)"), outside.stderr)

        let fixture = "Tests/Fixtures/runbooks/fleet"
        let token = ["--var", "token=fleet-harness-token-0123456789"]
        let plan = try fleet.runbook(["plan", "--host", "web-1", "--runbook", fixture] + token)
        XCTAssertEqual(plan.status, 2, plan.all)
        XCTAssertTrue(plan.stdout.hasPrefix("Plan for \(fixture) on web-1\n"), plan.stdout)
        XCTAssertTrue(plan.stdout.contains("+ 01-files/1  file /srv/fleet/greeting.txt"), plan.stdout)
        let apply = try fleet.runbook(["apply", "--host", "web-1", "--runbook", fixture] + token)
        XCTAssertEqual(apply.status, 0, apply.all)
        XCTAssertTrue(apply.stdout.contains("Apply complete: 4 steps changed"), apply.stdout)
        let greeting = try fleet.run(fleet.servers[0], "cat /srv/fleet/greeting.txt")
        XCTAssertEqual(greeting.stdout, "hello from server\n", greeting.all)
        let others = try fleet.servers.dropFirst().map { try fleet.run($0, "test -e /srv/fleet").status }
        XCTAssertEqual(others, [1, 1, 1, 1], "the apply reached a server it did not name")
    }
}
