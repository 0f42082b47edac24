import Foundation
import XCTest
import RunbookRemote
import RunbookModel
import RunbookHost

/// Which hosts a fleet command reaches and with which values: both inventory formats, `--limit`,
/// and the batches of `--serial` with the failures `--max-fail` tolerates.
final class FleetTargetsTests: XCTestCase {
    func values(_ host: FleetHost) -> [String: String] {
        Dictionary(host.variables.map { ($0.name, $0.value) }, uniquingKeysWith: { $1 })
    }

    func testRunbooksOwnFormatIsOneHostALineWithItsValues() throws {
        let inventory = try Inventory.parse("""
            # the inference servers
            root@gpu-1.example.com domain=gpu-1.example.com
            deploy@10.0.0.7:2222  domain=gpu-2.example.com  motd="up and running"   # a comment

            gpu-3
            """, file: "hosts.txt")
        XCTAssertEqual(inventory.format, .hostList)
        XCTAssertEqual(inventory.hosts.map(\.name), ["root@gpu-1.example.com", "deploy@10.0.0.7:2222", "gpu-3"])
        XCTAssertEqual(inventory.hosts[1].target, try SSHTarget(parsing: "deploy@10.0.0.7:2222"))
        XCTAssertEqual(values(inventory.hosts[1]), ["domain": "gpu-2.example.com", "motd": "up and running"])
        XCTAssertEqual(inventory.hosts[1].variables[0].location?.description, "hosts.txt:3:23")
        XCTAssertEqual(values(inventory.hosts[2]), [:])
    }

    func testAnAnsibleINIInventoryGivesHostsGroupsAndValuesWithAnsiblesPrecedence() throws {
        let inventory = try Inventory.parse("""
            bastion.example.com
            [web]
            web[01:03].example.com ansible_user=deploy
            db ansible_host=10.0.0.9 ansible_port=2222 label=primary
            [web:vars]
            label=web
            tls=selfsigned
            [prod:children]
            web
            [prod:vars]
            tls=letsencrypt
            label=prod
            ansible_python_interpreter=/usr/bin/python3
            [all:vars]
            ansible_become=true
            greeting="good day"
            """, file: "hosts.ini")
        XCTAssertEqual(inventory.format, .ansibleINI)
        XCTAssertEqual(inventory.hosts.map(\.name), ["bastion.example.com", "web01.example.com", "web02.example.com", "web03.example.com", "db"])
        let db = inventory.hosts[4]
        XCTAssertEqual(db.target.description, "10.0.0.9:2222")
        // The host's own value over its child group's over its parent group's over all's.
        XCTAssertEqual(values(db), ["label": "primary", "tls": "selfsigned", "greeting": "good day"])
        XCTAssertEqual(values(inventory.hosts[1]), ["label": "web", "tls": "selfsigned", "greeting": "good day"])
        XCTAssertEqual(inventory.hosts[1].target.description, "deploy@web01.example.com")
        XCTAssertTrue(inventory.hosts.allSatisfy(\.become))
        XCTAssertEqual(inventory.hosts[0].groups, ["ungrouped"])
        XCTAssertEqual(db.groups, ["prod", "web"])
        XCTAssertEqual(inventory.groups["prod"], ["web01.example.com", "web02.example.com", "web03.example.com", "db"])
        XCTAssertEqual(inventory.groups["all"]?.count, 5)
        XCTAssertEqual(inventory.ignoredSettings, ["ansible_python_interpreter"])
    }

    func testABadInventoryNamesItsLineAndNeverItsValues() {
        let cases: [(String, String)] = [
            ("[web\nhost-1", "hosts.ini:1:1"),
            ("[web]\nweb[03:01]", "hosts.ini:2:1"),
            ("[web]\nweb ansible_port=http", "hosts.ini:2:5"),
            ("[a:children]\nb\n[b:children]\na", "hosts.ini:4:1"),
            ("web-1 token=\"s3cret-value", "hosts.txt:1:7"),
            ("web-1\n-oProxyCommand=sh", "hosts.txt:2:1"),
            ("web-1\nweb-1 x=1", "hosts.txt:2:1"),
            ("# nothing\n", "hosts.txt"),
            ("[all]\nh1\n[all:children]\nall", "hosts.ini:4:1"),
            ("[web]\nh1\n[web:children]\nall", "hosts.ini:4:1"),
            ("[web]\nw[1:99999]x[1:99999]", "hosts.ini:2:1"),
            ("[web]\nh1:2222\nh1:22", "hosts.ini:3:1"),
            ("h1 token s3cret-value", "hosts.txt:1:10"),
            ("[web]\nh1 token s3cret-value", "hosts.ini:2:10"),
            ("[web]\nh1 ansible_become=maybe", "hosts.ini:2:4"),
        ]
        for (text, location) in cases {
            let file = text.contains("[") ? "hosts.ini" : "hosts.txt"
            XCTAssertThrowsError(try Inventory.parse(text, file: file), text) { error in
                XCTAssertTrue("\(error)".contains(location), "\(text): \(error)")
                XCTAssertFalse("\(error)".contains("s3cret-value"), "\(error)")
            }
        }
    }

    func testLimitTakesHostsGroupsWildcardsIntersectionsAndExclusions() throws {
        let inventory = try Inventory.parse("""
            [web]
            web-[1:4]
            [db]
            db-1
            [canary]
            web-1
            db-1
            """, file: "hosts.ini")
        let names = { (pattern: String) in try inventory.select(try HostPattern(pattern)).map(\.name) }
        XCTAssertEqual(try names("web"), ["web-1", "web-2", "web-3", "web-4"])
        XCTAssertEqual(try names("db,web-2"), ["web-2", "db-1"])
        XCTAssertEqual(try names("web-*,!web-3"), ["web-1", "web-2", "web-4"])
        XCTAssertEqual(try names("web,&canary"), ["web-1"])
        XCTAssertEqual(try names("!canary"), ["web-2", "web-3", "web-4"])
        XCTAssertEqual(try names("*"), ["web-1", "web-2", "web-3", "web-4", "db-1"])
        XCTAssertThrowsError(try names("webs")) { XCTAssertTrue("\($0)".contains("did you mean 'web'"), "\($0)") }
        XCTAssertThrowsError(try names("web,!web")) { XCTAssertTrue("\($0)".contains("leaves no host"), "\($0)") }
        XCTAssertThrowsError(try HostPattern("web,,db"))
    }

    func testSerialBatchesACanaryThenSharesAndMaxFailSaysWhenToStop() throws {
        let canary = try Rollout(serial: "1,25%,100%", maxFail: nil)
        XCTAssertEqual(canary.batches(of: 10), [0..<1, 1..<3, 3..<10])
        XCTAssertEqual(canary.batches(of: 1), [0..<1])
        XCTAssertEqual(try Rollout(serial: "2", maxFail: nil).batches(of: 5), [0..<2, 2..<4, 4..<5])
        XCTAssertEqual(try Rollout(serial: nil, maxFail: nil).batches(of: 7), [0..<7])
        XCTAssertTrue(canary.stops(after: 1, of: 1))
        XCTAssertFalse(canary.stops(after: 0, of: 5))
        let tolerant = try Rollout(serial: "50%", maxFail: "20%")
        XCTAssertFalse(tolerant.stops(after: 1, of: 5))
        XCTAssertTrue(tolerant.stops(after: 2, of: 5))
        XCTAssertFalse(try Rollout(serial: nil, maxFail: "2").stops(after: 2, of: 9))
        for (serial, maxFail) in [("0", nil), ("1,,2", nil), ("101%", nil), ("x", nil), (nil, "-1"), (nil, "5 %")] as [(String?, String?)] {
            XCTAssertThrowsError(try Rollout(serial: serial, maxFail: maxFail), "\(serial ?? "") \(maxFail ?? "")")
        }
    }

    func testTheWorkOfAPoolRunsAtMostWidthAtOnceAndAllOfItRuns() {
        final class Tally: @unchecked Sendable {
            let lock = NSLock()
            var running = 0, most = 0, done: Set<Int> = []
        }
        let tally = Tally()
        BoundedPool.run(count: 12, width: 4) { index in
            tally.lock.withLock { tally.running += 1; tally.most = max(tally.most, tally.running) }
            usleep(30_000)
            tally.lock.withLock { tally.running -= 1; tally.done.insert(index) }
        }
        XCTAssertEqual(tally.done, Set(0..<12))
        XCTAssertEqual(tally.most, 4, "the pool should have been full, and never fuller")
    }
}
