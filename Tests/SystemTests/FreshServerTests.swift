import Foundation
import RunbookTestSupport
import XCTest

/// The runbook's promise, on the real thing (issue #4): on a fresh Debian 12 or 13 with systemd
/// as PID 1 and Ollama just installed, one `runbook apply` converges in every TLS mode, a second
/// one changes nothing, a failed or killed apply leaves a consistent server, a rollback restores
/// every byte, and a server set up by the earlier runbook gets the current certificate. Every
/// scenario runs on both releases (the Debian 13 twin of `testX` is `testXOnDebian13`), each on
/// its own fresh server (see `FreshServer`); the golden image of each release is built once per
/// run. When a scenario fails, every command it ran is printed with its output.
final class FreshServerTests: XCTestCase {
    static let domain = "inference.example.com"
    static let generate = #"{"model": "llama3.2:3b", "prompt": "What is a keepalive?", "stream": false}"#
    static let ollamaDropIns = ["/etc/systemd/system/ollama.service.d/10-bind-localhost.conf",
                                "/etc/systemd/system/ollama.service.d/20-hardening.conf"]

    nonisolated(unsafe) static var goldens: [DebianRelease: Result<URL, any Error>] = [:]
    nonisolated(unsafe) static var timings: [(String, Double)] = []

    override class func setUp() {
        super.setUp()
        let tools = Result<Void, any Error> {
            try FreshServer.requireTools()
            _ = try ReleaseBinary.path("runbook")
            _ = try ReleaseBinary.path("ollama-standin")
        }
        for release in DebianRelease.allCases {
            let started = Date()
            goldens[release] = tools.flatMap { Result { try GoldenImage(release: release).prepare() } }
            timings.append(("golden image of \(release.title) (built or reused)", Date().timeIntervalSince(started)))
        }
    }

    static func golden(_ release: DebianRelease) throws -> URL {
        try (goldens[release] ?? .failure(FreshServer.ServerError(description: "no golden image of \(release.title)"))).get()
    }

    override class func tearDown() {
        print("fresh-server timings:")
        for (name, seconds) in timings { print(String(format: "  %6.1f s  ", seconds) + name) }
        print(String(format: "  %6.1f s  in all (budget: 720 s)", timings.map(\.1).reduce(0, +)))
        super.tearDown()
    }

    private var servers: [FreshServer] = []
    private var pebble: PebbleCA?
    private var started = Date()

    override func setUp() {
        super.setUp()
        started = Date()
    }

    override func tearDown() {
        let failed = (testRun?.totalFailureCount ?? 0) > 0
        let logs = FileManager.default.temporaryDirectory.appendingPathComponent("runbook-fresh-server-logs")
        try? FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        let keep = ProcessInfo.processInfo.environment["RUNBOOK_KEEP_SERVER"] == "1"
        for server in servers {
            if keep {
                print(server.keptInstructions)
            } else {
                server.tearDown()
            }
            let log = logs.appendingPathComponent("\(server.name).log")
            try? Data(server.transcript.utf8).write(to: log)
            if failed { print("---- \(server.name): every command and its output (also in \(log.path)) ----\n\(server.transcript)") }
        }
        pebble?.tearDown()
        let seconds = Date().timeIntervalSince(started)
        Self.timings.append((name, seconds))
        print("fresh-server timing: \(name): \(String(format: "%.1f", seconds)) s")
        super.tearDown()
    }

    /// A fresh server of this release for this test, torn down at its end.
    func freshServer(_ scenario: String, _ release: DebianRelease) throws -> FreshServer {
        let server = try FreshServer(name: "\(scenario)-\(release.version)", golden: try Self.golden(release))
        servers.append(server)
        return server
    }

    // MARK: - The scenarios, on each release

    func testScenario1FirstApplyConvergesAFreshServer() throws { try firstApplyConverges(.bookworm) }
    func testScenario1FirstApplyConvergesAFreshServerOnDebian13() throws { try firstApplyConverges(.trixie) }
    func testScenario2SecondApplyChangesNothing() throws { try secondApplyChangesNothing(.bookworm) }
    func testScenario2SecondApplyChangesNothingOnDebian13() throws { try secondApplyChangesNothing(.trixie) }
    func testScenario3RollbackRestoresEveryByte() throws { try rollbackRestoresEveryByte(.bookworm) }
    func testScenario3RollbackRestoresEveryByteOnDebian13() throws { try rollbackRestoresEveryByte(.trixie) }
    func testScenario4AcmeCertificateFromPebble() throws { try acmeCertificateFromPebble(.bookworm) }
    func testScenario4AcmeCertificateFromPebbleOnDebian13() throws { try acmeCertificateFromPebble(.trixie) }
    func testScenario5InvalidConfigurationIsRefusedWhileNginxKeepsServing() throws { try invalidConfigurationIsRefused(.bookworm) }
    func testScenario5InvalidConfigurationIsRefusedWhileNginxKeepsServingOnDebian13() throws { try invalidConfigurationIsRefused(.trixie) }
    func testScenario6aApplyKilledAfterTheFirstChapter() throws {
        try assertRecoveryFromKilledApply(scenario: "s6a", at: "(Runbook/02-harden-unit.md)", on: .bookworm)
    }
    func testScenario6aApplyKilledAfterTheFirstChapterOnDebian13() throws {
        try assertRecoveryFromKilledApply(scenario: "s6a", at: "(Runbook/02-harden-unit.md)", on: .trixie)
    }
    func testScenario6bApplyKilledInTheNginxChapter() throws {
        try assertRecoveryFromKilledApply(scenario: "s6b", at: "+ 03-nginx/1 ", on: .bookworm)
    }
    func testScenario6bApplyKilledInTheNginxChapterOnDebian13() throws {
        try assertRecoveryFromKilledApply(scenario: "s6b", at: "+ 03-nginx/1 ", on: .trixie)
    }
    func testScenario6cApplyKilledInTheCertificateChapter() throws {
        try assertRecoveryFromKilledApply(scenario: "s6c", at: "> 06-certificates/1 ", on: .bookworm)
    }
    func testScenario6cApplyKilledInTheCertificateChapterOnDebian13() throws {
        try assertRecoveryFromKilledApply(scenario: "s6c", at: "> 06-certificates/1 ", on: .trixie)
    }
    func testScenario6dApplyKilledThenAppliedAgain() throws { try killedThenAppliedAgain(.bookworm) }
    func testScenario6dApplyKilledThenAppliedAgainOnDebian13() throws { try killedThenAppliedAgain(.trixie) }
    func testScenario7StepThroughOnATerminalReachesTheSameState() throws { try stepThroughOnATerminal(.bookworm) }
    func testScenario7StepThroughOnATerminalReachesTheSameStateOnDebian13() throws { try stepThroughOnATerminal(.trixie) }
    func testScenario8EarlierCertificatesAreReplacedAndServed() throws { try earlierCertificatesAreReplaced(.bookworm) }
    func testScenario8EarlierCertificatesAreReplacedAndServedOnDebian13() throws { try earlierCertificatesAreReplaced(.trixie) }
    func testScenario9AKeyInARotatedLogFailsTheLastChapterOnly() throws { try leakedKeyFailsTheLastChapterOnly(.bookworm) }
    func testScenario9AKeyInARotatedLogFailsTheLastChapterOnlyOnDebian13() throws { try leakedKeyFailsTheLastChapterOnly(.trixie) }

    // MARK: - 1. selfsigned, first apply

    func firstApplyConverges(_ release: DebianRelease) throws {
        let server = try freshServer("s1", release)
        let plan = try server.runbook(["plan"])
        XCTAssertEqual(plan.status, 2, "changes pending:\n\(plan.all)")
        for chapter in try Self.numberedChapters() {
            XCTAssertTrue(plan.stdout.contains("(Runbook/\(chapter))"), "the plan lists \(chapter)")
        }
        let apply = try server.runbook(["apply"])
        XCTAssertEqual(apply.status, 0, apply.all)
        try assertConverged(server)

        // The deployed endpoint, probed from the host: the certificate, TLS, port 80, IPv6, the
        // key, odd paths, the rate limit.
        let probes = try endpointProbes(server)
        try probes.assertServerCertificateIsAnEndEntity()
        try probes.assertOnlyTLS12And13WithForwardSecrecy()
        try probes.assertOnlyIntermediateKeyExchangeGroups()
        try probes.assertPort80RefusesTheAPIAndRedirectsTheRest()
        // The server shares the host's network, which has ::1 only where the host has IPv6.
        if FreshServer.hostHasIPv6Loopback {
            try probes.assertAnswersOnIPv6()
        } else {
            print("fresh-server: this host has no ::1, so the IPv6 probes ran in NginxSystemTests only")
        }
        try probes.assertKeyAcceptedOnlyInItsHeader()
        try probes.assertRateLimitAnswers429()
        let sockets = try server.run("ss -Hltn").stdout
        XCTAssertEqual(listeners(sockets, port: 11434), ["127.0.0.1:11434"], "Ollama on no address but loopback")
    }

    // MARK: - 2. second apply

    func secondApplyChangesNothing(_ release: DebianRelease) throws {
        let server = try freshServer("s2", release)
        let first = try server.runbook(["apply"])
        XCTAssertEqual(first.status, 0, first.all)
        let services = try serviceState(server)
        let files = try ServerManifest(root: server.root)

        let plan = try server.runbook(["plan"])
        XCTAssertEqual(plan.status, 0, "nothing to do:\n\(plan.all)")
        let apply = try server.runbook(["apply"])
        XCTAssertEqual(apply.status, 0, apply.all)
        XCTAssertTrue(apply.stdout.contains("Apply complete: no changes"), apply.all)

        XCTAssertEqual(try serviceState(server), services, "no service was restarted or reloaded")
        let after = try ServerManifest(root: server.root)
        XCTAssertEqual(after.difference(from: files), "", "no file, link or directory changed")
        XCTAssertEqual(after.touchedPaths(since: files), [], "no file was rewritten")
    }

    // MARK: - 3. rollback

    func rollbackRestoresEveryByte(_ release: DebianRelease) throws {
        let server = try freshServer("s3", release)
        let before = try ServerManifest(root: server.root)
        let apply = try server.runbook(["apply"])
        XCTAssertEqual(apply.status, 0, apply.all)
        let packages = try PackageInstallEffect.groups(inJournalOf: server)

        let rollback = try server.runbook(["rollback"])
        XCTAssertEqual(rollback.status, 0, rollback.all)
        XCTAssertTrue(rollback.stdout.contains("Packages the apply installed stay installed: \(packages.joined().joined(separator: ", "))."),
                      rollback.all)
        let after = try ServerManifest(root: server.root)
        try assertOllamaListensEverywhereAgain(server)
        XCTAssertEqual(try properties(server, unit: "ollama", ["DropInPaths"])["DropInPaths"], "")
        XCTAssertEqual(try server.run("systemctl is-active nginx").stdout, "active\n")
        let configuration = try server.run("nginx -T 2>/dev/null").stdout
        // `systemctl reload` only signals the master, which then loads the configuration.
        var welcome = ""
        let reloaded = try eventually {
            welcome = try Subprocess.run("/usr/bin/curl", ["-sS", "--max-time", "10", "http://127.0.0.1/"]).all
            return welcome.contains("Welcome to nginx!") && !FreshServer.listeningPorts().contains(443)
        }
        XCTAssertTrue(reloaded, "nginx serves Debian's default site again, and nothing listens on 443: \(welcome)")
        server.tearDown()

        let effect = try PackageInstallEffect.measure(groups: packages, golden: try Self.golden(release))
        let expected = before.applying(effect.changes)
        XCTAssertEqual(after.difference(from: expected), "",
                       "after the rollback the server must be its pre-apply self plus what installing \(packages) does (expected => found)")
        XCTAssertEqual(configuration, effect.nginxConfiguration, "nginx runs the configuration it had before the apply")
    }

    // MARK: - 4. acme

    func acmeCertificateFromPebble(_ release: DebianRelease) throws {
        _ = try Self.golden(release)
        let pebble = try PebbleCA()
        self.pebble = pebble
        let server = try freshServer("s4", release)
        // The CA bundle certbot needs must be on the server.
        try FileManager.default.copyItem(at: pebble.listenerCA, to: server.root.appendingPathComponent("root/pebble-ca.pem"))
        let certbotStatus = "dpkg-query -W -f='${Status}' certbot 2>/dev/null"
        XCTAssertNotEqual(try server.run(certbotStatus).stdout, "install ok installed", "certbot is the runbook's job")
        let variables = ["tls=acme", "acme_email=ops@example.com", "acme_server=\(PebbleCA.directoryURL)",
                         "acme_ca_bundle=/root/pebble-ca.pem"].flatMap { ["--var", $0] }

        let apply = try server.runbook(["apply"] + variables)
        XCTAssertEqual(apply.status, 0, apply.all)
        XCTAssertTrue(apply.stdout.contains("package certbot"), apply.all)
        XCTAssertEqual(try server.run(certbotStatus).stdout, "install ok installed")

        let root = try pebble.currentRoot()
        let served = try servedCertificate(trusting: root)
        XCTAssertTrue(served.verification.contains("Verify return code: 0 (ok)"), "nginx's certificate chains to pebble's root:\n\(served.verification)")
        XCTAssertTrue(served.issuer.contains("Pebble"), served.issuer)
        try assertConverged(server, trusting: root)
        let issued = pebble.issuedCertificates
        XCTAssertEqual(issued, 1)

        let plan = try server.runbook(["plan"] + variables)
        XCTAssertEqual(plan.status, 0, plan.all)
        let again = try server.runbook(["apply"] + variables)
        XCTAssertEqual(again.status, 0, again.all)
        XCTAssertTrue(again.stdout.contains("Apply complete: no changes"), again.all)
        XCTAssertEqual(pebble.issuedCertificates, issued, "no new certificate was requested")
        XCTAssertEqual(try servedCertificate(trusting: root).fingerprint, served.fingerprint)

        // The certificate's lineage goes with the rollback, so the timer has nothing left to renew
        // for a site that is gone; the package stays, and the rollback says how to remove it.
        let rollback = try server.runbook(["rollback"])
        XCTAssertEqual(rollback.status, 0, rollback.all)
        XCTAssertTrue(rollback.stdout.contains(" certbot` removes them, with what they set up (services, timers)"), rollback.all)
        for made in ["live/\(Self.domain)", "archive/\(Self.domain)", "renewal/\(Self.domain).conf"] {
            XCTAssertFalse(FileManager.default.fileExists(atPath: server.root.appendingPathComponent("etc/letsencrypt/\(made)").path),
                           "rollback removes /etc/letsencrypt/\(made)")
        }
        let renewal = try server.run("certbot renew --no-random-sleep-on-renew")
        XCTAssertEqual(renewal.status, 0, "with no lineage left, a renewal has nothing to do and doesn't fail:\n\(renewal.all)")
        XCTAssertTrue(renewal.all.contains("No renewals were attempted"), renewal.all)
    }

    // MARK: - 5. failed validation

    func invalidConfigurationIsRefused(_ release: DebianRelease) throws {
        let server = try freshServer("s5", release)
        let apply = try server.runbook(["apply"])
        XCTAssertEqual(apply.status, 0, apply.all)
        let files = try ServerManifest(root: server.root)
        let services = try serviceState(server)
        let configuration = try server.run("nginx -T 2>/dev/null").stdout
        let authority = try certificateFile(server)
        let key = try accessKey(server)

        // The stand-in streams a token every 250 ms: about five seconds in all.
        let stream = try StreamingRequest(program: "/usr/bin/curl", arguments: [
            "-sS", "-N", "--resolve", "\(Self.domain):443:127.0.0.1", "--cacert", authority.path, "-H", "X-Ollama-Key: \(key)",
            "-d", #"{"model": "llama3.2:3b", "prompt": "in flight", "stream": true}"#, "https://\(Self.domain)/direct/api/generate",
        ])
        XCTAssertTrue(stream.waitForFirstLine(timeout: 10), "the streamed answer started")

        // conn_limit is type=integer, so 0 passes the runbook's checks; nginx refuses it.
        let failed = try server.runbook(["apply", "--var", "conn_limit=0"])
        let linesWhenTheApplyEnded = stream.lines.count
        XCTAssertEqual(failed.status, 1, failed.all)
        XCTAssertTrue(failed.all.contains("07-inference-site/2"), "the failure names the step:\n\(failed.all)")
        XCTAssertTrue(failed.all.contains("invalid number of connections \"0\""), "the failure quotes nginx:\n\(failed.all)")
        XCTAssertEqual(stream.wait(timeout: 30), 0)
        XCTAssertLessThan(linesWhenTheApplyEnded, stream.lines.count, "the request was still in flight when the apply ended")
        XCTAssertEqual(stream.lines.count, 21, "twenty tokens and the final object: \(stream.lines.map(\.text))")
        XCTAssertTrue(stream.lines.last?.text.contains("\"done\":true") ?? false)

        let after = try ServerManifest(root: server.root)
        XCTAssertEqual(after.difference(from: files), "", "every file is restored")
        XCTAssertEqual(try serviceState(server), services, "nginx was neither reloaded nor restarted")
        XCTAssertEqual(try server.run("nginx -T 2>/dev/null").stdout, configuration)
        let answer = try request(trusting: authority, key: key)
        XCTAssertEqual(answer.status, 200, answer.body)
    }

    // MARK: - 6. killed apply

    /// Killed, then simply applied again: it converges, and `rollback 1` still reaches the start.
    func killedThenAppliedAgain(_ release: DebianRelease) throws {
        let server = try freshServer("s6d", release)
        let before = try ServerManifest(root: server.root)
        try killApply(on: server, at: "> 06-certificates/1 ")
        let apply = try server.runbook(["apply"])
        XCTAssertEqual(apply.status, 0, apply.all)
        XCTAssertEqual(try server.runbook(["plan"]).status, 0)
        try assertConverged(server)
        let packages = try PackageInstallEffect.groups(inJournalOf: server, snapshot: 1)
            + PackageInstallEffect.groups(inJournalOf: server, snapshot: 2)
        let rollback = try server.runbook(["rollback", "1"])
        XCTAssertEqual(rollback.status, 0, rollback.all)
        let after = try ServerManifest(root: server.root)
        server.tearDown()
        let expected = before.applying(try PackageInstallEffect.measure(groups: packages, golden: try Self.golden(release)).changes)
        XCTAssertEqual(after.difference(from: expected), "",
                       "rollback 1 undoes the killed apply and the one after it, back to the pre-apply state (expected => found)")
    }

    // MARK: - 7. step-through on a terminal

    func stepThroughOnATerminal(_ release: DebianRelease) throws {
        let server = try freshServer("s7", release)
        let session = try TerminalSession(command: try server.command("cd /root && exec runbook apply --step \(FreshServer.domain)"))
        let status = session.answer(prompt: "Apply this step?", with: "y", timeout: 600)
        server.note("the terminal showed:\n\(session.transcript)")
        XCTAssertEqual(status, 0, session.transcript)
        XCTAssertGreaterThan(session.answered, 0)
        XCTAssertTrue(session.transcript.contains("Apply complete: \(session.answered) steps changed"), session.transcript)
        XCTAssertEqual(try server.runbook(["plan"]).status, 0)
        try assertConverged(server)
    }

    // MARK: - 8. certificates the earlier runbook made

    /// A server set up by the earlier runbook has a CA:TRUE certificate valid for 825 days, and a
    /// certificate a month from expiry needs a new one. Either way the next apply makes an
    /// end-entity certificate with a new key and nginx serves it at once (the step notifies the
    /// reload); the apply after that changes nothing.
    func earlierCertificatesAreReplaced(_ release: DebianRelease) throws {
        let server = try freshServer("s8", release)
        let first = try server.runbook(["apply"])
        XCTAssertEqual(first.status, 0, first.all)
        let request = "openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=\(Self.domain) -keyout selfsigned-key.pem -out selfsigned-cert.pem"
        let earlier = [
            ("the earlier runbook's CA:TRUE certificate", "\(request) -days 825 -addext subjectAltName=DNS:\(Self.domain)"),
            ("a certificate 20 days from expiry",
             "\(request) -days 20 -addext basicConstraints=critical,CA:FALSE -addext subjectAltName=DNS:\(Self.domain)"),
        ]
        for (what, command) in earlier {
            let made = try server.run("cd /etc/ssl/runbook/\(Self.domain) && \(command) 2>&1 && systemctl reload nginx")
            XCTAssertEqual(made.status, 0, made.all)
            let old = try certificateFile(server)
            XCTAssertTrue(try eventually { try servedCertificate(trusting: old).verification.contains("Verify return code: 0 (ok)") },
                          "nginx serves \(what)")
            let plan = try server.runbook(["plan"])
            XCTAssertEqual(plan.status, 2, plan.all)
            XCTAssertTrue(plan.stdout.contains("> 06-certificates/2 "), "the plan makes the certificate again for \(what):\n\(plan.all)")

            let apply = try server.runbook(["apply"])
            XCTAssertEqual(apply.status, 0, apply.all)
            let new = try certificateFile(server)
            XCTAssertNotEqual(try Data(contentsOf: new), try Data(contentsOf: old), what)
            try endpointProbes(server).assertServerCertificateIsAnEndEntity()
            var served = ""
            XCTAssertTrue(try eventually {
                served = try servedCertificate(trusting: new).verification
                return served.contains("Verify return code: 0 (ok)")
            }, "after \(what), nginx serves the new certificate:\n\(served)")
            try assertConverged(server)
        }
        let again = try server.runbook(["apply"])
        XCTAssertEqual(again.status, 0, again.all)
        XCTAssertTrue(again.stdout.contains("Apply complete: no changes"), again.all)
    }

    // MARK: - 9. a check failing in the last chapter

    /// The key turns up in an old, compressed log: the verify chapter's check fails and says what to
    /// do, and the chapters that converged and passed their checks stay, so Ollama stays on loopback.
    /// `rollback` still undoes the whole apply; `apply --atomic` restores every chapter.
    func leakedKeyFailsTheLastChapterOnly(_ release: DebianRelease) throws {
        let server = try freshServer("s9", release)
        let key = String(repeating: "5e", count: 32)
        let varsFile = server.root.appendingPathComponent("root/leaked.vars")
        try Data("secret=\(key)\n".utf8).write(to: varsFile)
        XCTAssertEqual(chmod(varsFile.path, 0o600), 0)
        let logs = server.root.appendingPathComponent("var/log/nginx")
        try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
        let rotated = logs.appendingPathComponent("inference-access.log.2")
        try Data("{\"uri\":\"/api/generate?key=\(key)\",\"status\":200}\n".utf8).write(to: rotated)
        XCTAssertEqual(try Subprocess.run("/usr/bin/gzip", [rotated.path]).status, 0)
        let chapters = try Self.numberedChapters().map { String($0.dropLast(3)) }

        let failed = try server.runbook(["apply", "--vars-file", "/root/leaked.vars"])
        XCTAssertEqual(failed.status, 1, failed.all)
        XCTAssertTrue(failed.stderr.contains("an accepted key appears in: /var/log/nginx/inference-access.log.2.gz"), failed.all)
        // The check's message is wrapped to fit the chapter's 100 columns: read it as one line.
        let message = failed.stderr.replacingOccurrences(of: "\n  | ", with: " ")
        XCTAssertTrue(message.contains("Rotate it: follow \"Rotating the key without downtime\" in 07-inference-site.md"), failed.all)
        XCTAssertTrue(failed.stderr.contains("Kept 7 chapters that converged and passed their checks: \(chapters.dropLast().joined(separator: ", "))."),
                      failed.all)
        XCTAssertFalse(failed.all.contains(key), "the leaked key is not shown again")
        XCTAssertEqual(listeners(try server.run("ss -Hltn").stdout, port: 11434), ["127.0.0.1:11434"],
                       "a failing last check doesn't undo the hardening")
        XCTAssertEqual(try properties(server, unit: "ollama", ["DropInPaths"])["DropInPaths"]?.split(separator: " ").map(String.init),
                       Self.ollamaDropIns)

        let rollback = try server.runbook(["rollback"])
        XCTAssertEqual(rollback.status, 0, rollback.all)
        try assertOllamaListensEverywhereAgain(server)

        let atomic = try server.runbook(["apply", "--atomic", "--vars-file", "/root/leaked.vars"])
        XCTAssertEqual(atomic.status, 1, atomic.all)
        XCTAssertTrue(atomic.stderr.contains("an accepted key appears in"), atomic.all)
        XCTAssertFalse(atomic.stderr.contains("Kept"), atomic.all)
        try assertOllamaListensEverywhereAgain(server)
    }

    // MARK: - What "converged" means, seen from outside the runbook

    func assertConverged(_ server: FreshServer, trusting authority: URL? = nil,
                         file: StaticString = #filePath, line: UInt = #line) throws {
        let sockets = try server.run("ss -Hltn").stdout
        XCTAssertEqual(listeners(sockets, port: 11434), ["127.0.0.1:11434"], "Ollama listens on loopback only:\n\(sockets)",
                       file: file, line: line)
        let shown = try properties(server, unit: "ollama", ["DropInPaths", "Restart", "LimitNOFILE", "Environment"])
        XCTAssertEqual(shown["DropInPaths"]?.split(separator: " ").map(String.init), Self.ollamaDropIns, file: file, line: line)
        XCTAssertEqual(shown["Restart"], "on-failure", file: file, line: line)
        XCTAssertEqual(shown["LimitNOFILE"], "65536", file: file, line: line)
        let environment = Set((shown["Environment"] ?? "").split(separator: " ").map(String.init))
        for setting in ["OLLAMA_HOST=127.0.0.1:11434", "OLLAMA_MAX_LOADED_MODELS=2", "OLLAMA_NUM_PARALLEL=4",
                        "OLLAMA_KEEP_ALIVE=30m", "OLLAMA_MAX_QUEUE=512"] {
            XCTAssertTrue(environment.contains(setting), "systemd shows \(setting): \(shown["Environment"] ?? "")", file: file, line: line)
        }
        XCTAssertEqual(try server.run("systemctl is-active nginx").stdout, "active\n", file: file, line: line)
        for port in [80, 443] {
            XCTAssertEqual(listeners(sockets, port: port), ["0.0.0.0:\(port)", "[::]:\(port)"], "nginx on IPv4 and IPv6:\n\(sockets)",
                           file: file, line: line)
        }

        // Through nginx, from the host, verifying the certificate (never -k).
        let trusted = try authority ?? certificateFile(server)
        let key = try accessKey(server)
        let answer = try request(trusting: trusted, key: key)
        XCTAssertEqual(answer.status, 200, answer.body, file: file, line: line)
        let json = try? JSONSerialization.jsonObject(with: Data(answer.body.utf8)) as? [String: Any]
        XCTAssertEqual(json?["done"] as? Bool, true, answer.body, file: file, line: line)
        XCTAssertEqual(json?["model"] as? String, "llama3.2:3b", answer.body, file: file, line: line)
        XCTAssertTrue((json?["response"] as? String ?? "").contains("stand-in"), answer.body, file: file, line: line)
        XCTAssertEqual(try request(trusting: trusted, key: nil).status, 403, "without the key", file: file, line: line)
        XCTAssertEqual(try request(trusting: trusted, key: "not-the-key").status, 403, "with a wrong key", file: file, line: line)

        let log = try String(contentsOf: server.root.appendingPathComponent("var/log/nginx/inference-access.log"), encoding: .utf8)
        let entries = log.split(separator: "\n").map { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        XCTAssertFalse(entries.isEmpty, file: file, line: line)
        XCTAssertFalse(entries.contains { $0 == nil }, "every access log line is a JSON object:\n\(log)", file: file, line: line)
        XCTAssertTrue(entries.contains { $0?["uri"] as? String == "/api/generate" && $0?["status"] as? Int == 200 }, log, file: file, line: line)
        XCTAssertTrue(entries.contains { $0?["status"] as? Int == 403 }, log, file: file, line: line)
        XCTAssertFalse(log.contains(key), "the key is never logged", file: file, line: line)
    }

    // MARK: - Killed applies

    /// Starts an apply, SIGKILLs `runbook` once its output shows `marker`, and waits for what it had started.
    func killApply(on server: FreshServer, at marker: String) throws {
        let log = FileManager.default.temporaryDirectory.appendingPathComponent("\(server.name)-killed-apply.log")
        defer { try? FileManager.default.removeItem(at: log) }
        let apply = try server.start("cd /root && exec runbook apply \(FreshServer.domain)", log: log)
        let reached = apply.waitForOutput(containing: marker, timeout: 600)
        // A child being spawned is called runbook too until it execs: kill the apply, not its children.
        let all = server.processes(named: "runbook")
        let runbooks = all.filter { pid in FreshServer.parent(of: pid).map { !all.contains($0) } ?? true }
        for pid in runbooks { server.kill(pid) }
        let status = apply.wait(timeout: 30)
        server.note("the killed apply printed:\n\(apply.output)")
        let journal = server.root.appendingPathComponent("var/lib/runbook/snapshots/000001/journal.jsonl")
        server.note("its journal when it was killed:\n\((try? String(contentsOf: journal, encoding: .utf8)) ?? "(none)")")
        XCTAssertTrue(reached, "the apply never printed \(marker):\n\(apply.output)")
        XCTAssertEqual(runbooks.count, 1, "one runbook process was running")
        XCTAssertEqual(status, 128 + SIGKILL, "the apply died of SIGKILL:\n\(apply.output)")
    }

    func assertRecoveryFromKilledApply(scenario: String, at marker: String, on release: DebianRelease) throws {
        let server = try freshServer(scenario, release)
        let before = try ServerManifest(root: server.root)
        try killApply(on: server, at: marker)
        let packages = try PackageInstallEffect.groups(inJournalOf: server)

        let rollback = try server.runbook(["rollback"])
        XCTAssertEqual(rollback.status, 0, rollback.all)
        let restored = try ServerManifest(root: server.root)
        try assertOllamaListensEverywhereAgain(server)

        let apply = try server.runbook(["apply"])
        XCTAssertEqual(apply.status, 0, "an apply after the rollback converges:\n\(apply.all)")
        XCTAssertEqual(try server.runbook(["plan"]).status, 0)
        try assertConverged(server)
        server.tearDown()

        let expected = before.applying(try PackageInstallEffect.measure(groups: packages, golden: try Self.golden(release)).changes)
        XCTAssertEqual(restored.difference(from: expected), "",
                       "the rollback must give the pre-apply state plus what installing \(packages) does (expected => found)")
    }

    // MARK: - Observing the server

    /// Polls `condition` for up to `timeout` seconds, for what a service does after systemctl returned.
    func eventually(timeout: TimeInterval = 10, _ condition: () throws -> Bool) rethrows -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if try condition() { return true }
            if Date() > deadline { return false }
            usleep(100_000)
        }
    }

    /// As the install script left it: the rollback removed both drop-ins and restarted Ollama.
    func assertOllamaListensEverywhereAgain(_ server: FreshServer, file: StaticString = #filePath, line: UInt = #line) throws {
        var sockets = ""
        let listening = try eventually {
            sockets = try server.run("ss -Hltn").stdout
            return listeners(sockets, port: 11434) == ["0.0.0.0:11434"]
        }
        XCTAssertTrue(listening, "Ollama listens on 0.0.0.0:11434 again:\n\(sockets)", file: file, line: line)
    }

    /// Ollama's and nginx's main PIDs, start times and restart counts, and nginx's current worker
    /// PIDs (a reload replaces the workers).
    ///
    /// `systemctl reload nginx` returns once the master is signalled, before it has started the
    /// new workers, so a state read right after an apply may still list the old generation. The
    /// state counts only once two reads half a second apart agree.
    func serviceState(_ server: FreshServer) throws -> [String] {
        var previous = try serviceStateOnce(server)
        let deadline = Date().addingTimeInterval(15)
        while Date() < deadline {
            usleep(500_000)
            let current = try serviceStateOnce(server)
            if current == previous { return current }
            previous = current
        }
        return previous
    }

    private func serviceStateOnce(_ server: FreshServer) throws -> [String] {
        let script = """
        for unit in ollama nginx; do
            systemctl show "$unit" -p MainPID -p ActiveEnterTimestamp -p ExecMainStartTimestamp -p NRestarts | sort | sed "s/^/$unit /"
        done
        master=$(systemctl show nginx -p MainPID --value)
        # Only live workers of the current generation: not those of an earlier reload that are
        # "shutting down", nor exited ones (zombies, with an empty command line) not yet reaped.
        for worker in $(cat /proc/"$master"/task/*/children); do
            title=$(tr '\\0' ' ' 2>/dev/null </proc/"$worker"/cmdline | sed 's/ *$//')
            [ "$title" = "nginx: worker process" ] && echo "nginx worker $worker"
        done
        true
        """
        let result = try server.run(script)
        XCTAssertEqual(result.status, 0, result.all)
        return result.stdout.split(separator: "\n").map(String.init)
    }

    func properties(_ server: FreshServer, unit: String, _ names: [String]) throws -> [String: String] {
        let result = try server.run("systemctl show \(unit) " + names.map { "-p \($0)" }.joined(separator: " "))
        var properties: [String: String] = [:]
        for line in result.stdout.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            properties[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        return properties
    }

    /// Local addresses listening on `port`, from `ss -Hltn`.
    func listeners(_ sockets: String, port: Int) -> [String] {
        sockets.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ")
            return fields.count > 3 && fields[3].hasSuffix(":\(port)") ? String(fields[3]) : nil
        }.sorted()
    }

    /// The endpoint's probes, run on the host against the server's nginx, trusting its certificate.
    func endpointProbes(_ server: FreshServer) throws -> EndpointProbes {
        EndpointProbes(domain: Self.domain, key: try accessKey(server), authority: try certificateFile(server).path) {
            try Subprocess.run($0, $1)
        }
    }

    /// The key clients send, read from the keys file as the article tells an operator to.
    func accessKey(_ server: FreshServer) throws -> String {
        let keys = try String(contentsOf: server.root.appendingPathComponent("etc/nginx/inference-keys.conf"), encoding: .utf8)
        let line = keys.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .first { $0.hasPrefix("\"") && $0.hasSuffix("\" 1;") }
        return try XCTUnwrap(line.map { String($0.dropFirst().dropLast(4)) }, "no key in inference-keys.conf:\n\(keys)")
    }

    /// The certificate nginx was given, copied out of the server (its stable path is a link that
    /// only resolves inside).
    func certificateFile(_ server: FreshServer) throws -> URL {
        let result = try server.run("cat /etc/ssl/runbook/\(Self.domain)/fullchain.pem", quiet: true)
        XCTAssertEqual(result.status, 0, result.all)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("\(server.name)-\(UUID().uuidString.prefix(6))-fullchain.pem")
        try Data(result.stdout.utf8).write(to: file)
        addTeardownBlock { try? FileManager.default.removeItem(at: file) }
        return file
    }

    /// A generation through nginx on the host's loopback, verifying the certificate against `authority`.
    func request(trusting authority: URL, key: String?) throws -> (status: Int, body: String) {
        let result = try Subprocess.run("/usr/bin/curl", [
            "-sS", "--max-time", "30", "--resolve", "\(Self.domain):443:127.0.0.1", "--cacert", authority.path,
            "-o", "-", "-w", "\n%{http_code}", "-d", Self.generate,
        ] + (key.map { ["-H", "X-Ollama-Key: \($0)"] } ?? []) + ["https://\(Self.domain)/direct/api/generate"])
        XCTAssertEqual(result.status, 0, "curl: \(result.all)")
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }

    /// What nginx presents on 443 for the domain: openssl's verdict against `root`, the issuer and the fingerprint.
    func servedCertificate(trusting root: URL) throws -> (verification: String, issuer: String, fingerprint: String) {
        let script = """
        openssl s_client -connect 127.0.0.1:443 -servername "$DOMAIN" -verify_hostname "$DOMAIN" -CAfile "$ROOT" \
            -verify_return_error -showcerts </dev/null >"$OUT" 2>&1
        status=$?
        cat "$OUT"
        openssl x509 -noout -issuer -fingerprint -sha256 <"$OUT"
        exit $status
        """
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("s_client-\(UUID().uuidString.prefix(8)).txt")
        defer { try? FileManager.default.removeItem(at: out) }
        let result = try Subprocess.run("/bin/sh", ["-c", script], environment: ["DOMAIN": Self.domain, "ROOT": root.path, "OUT": out.path])
        let lines = result.stdout.split(separator: "\n").map(String.init)
        return (result.all, lines.first { $0.hasPrefix("issuer=") } ?? "", lines.first { $0.contains("Fingerprint=") } ?? "")
    }

    /// Runbook chapters that carry steps: the numbered ones (README.md holds only the variables).
    static func numberedChapters() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: RunbookBinary.packageRoot.appendingPathComponent("Runbook").path)
            .filter { $0.hasSuffix(".md") && $0.first?.isNumber == true }.sorted()
    }
}
