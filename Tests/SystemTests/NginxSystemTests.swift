import Foundation
import RunbookTestSupport
import XCTest

/// The configuration the runbook writes, served by a real nginx over real HTTPS, with the
/// stand-in Ollama server behind it. Every request verifies the certificate the runbook's
/// self-signed mode made.
final class NginxSystemTests: XCTestCase {
    nonisolated(unsafe) static var shared: NginxSandbox?
    nonisolated(unsafe) static var setUpError: Error?

    override class func setUp() {
        super.setUp()
        do {
            shared = try NginxSandbox()
        } catch {
            setUpError = error
        }
    }

    override class func tearDown() {
        shared?.tearDown()
        shared = nil
        super.tearDown()
    }

    func sandbox() throws -> NginxSandbox {
        if let error = Self.setUpError { throw error }
        return try XCTUnwrap(Self.shared)
    }

    let generate = #"{"model": "llama3.2:3b", "prompt": "What is a keepalive?", "stream": false}"#
    var directGenerate: String { "https://\(NginxSandbox.domain)/direct/api/generate" }

    /// Status code and body of one request.
    func request(_ arguments: [String]) throws -> (status: Int, body: String) {
        try probes().request(arguments)
    }

    func testGeneratedConfigurationPassesNginxTest() throws {
        let test = try XCTUnwrap(try sandbox().configurationTest)
        XCTAssertEqual(test.status, 0, test.all)
        XCTAssertTrue(test.stderr.contains("syntax is ok") && test.stderr.contains("test is successful"), test.stderr)
    }

    func testTheKeyDecidesAccess() throws {
        let noKey = try request(["-d", generate, directGenerate])
        XCTAssertEqual(noKey.status, 403)
        let wrongKey = try request(["-H", "X-Ollama-Key: not-the-key", "-d", generate, directGenerate])
        XCTAssertEqual(wrongKey.status, 403)
        let rightKey = try request(["-H", "X-Ollama-Key: \(NginxSandbox.secret)", "-d", generate, directGenerate])
        XCTAssertEqual(rightKey.status, 200, rightKey.body)
        let answer = try JSONSerialization.jsonObject(with: Data(rightKey.body.utf8)) as? [String: Any]
        XCTAssertEqual(answer?["done"] as? Bool, true, rightKey.body)
        XCTAssertEqual(answer?["model"] as? String, "llama3.2:3b")
        XCTAssertNotNil(answer?["eval_count"])
    }

    func testTheBackendNeverSeesTheKey() throws {
        _ = try request(["-H", "X-Ollama-Key: \(NginxSandbox.secret)", "-d", generate, directGenerate])
        let log = try String(contentsOf: try sandbox().requestLog, encoding: .utf8)
        XCTAssertTrue(log.contains("/api/generate"), "the stand-in should have logged the request: \(log)")
        XCTAssertFalse(log.lowercased().contains("x-ollama-key"), log)
        XCTAssertFalse(log.contains(NginxSandbox.secret), log)
        XCTAssertTrue(log.contains("\"host\":\"localhost\""), "nginx sends Host: localhost upstream: \(log)")
    }

    func testPort80RefusesTheAPIAndRedirectsTheRest() throws {
        try probes().assertPort80RefusesTheAPIAndRedirectsTheRest()
    }

    func testAnswersOnIPv6() throws {
        try probes().assertAnswersOnIPv6()
    }

    func testEverythingOutsideDirectIsNotFound() throws {
        for path in ["/", "/api/tags", "/direct", "/DIRECT/api/tags"] {
            let answer = try request(["-H", "X-Ollama-Key: \(NginxSandbox.secret)", "https://\(NginxSandbox.domain)\(path)"])
            XCTAssertEqual(answer.status, 404, path)
        }
    }

    /// A streamed generate with the key, read line by line as it arrives (`curl -N`).
    func streamedGenerate() throws -> StreamingRequest {
        let sandbox = try sandbox()
        let (program, arguments) = sandbox.namespace.command("/usr/bin/curl", [
            "-sS", "-N", "--resolve", "\(NginxSandbox.domain):443:127.0.0.1", "--cacert", sandbox.certificate,
            "-H", "X-Ollama-Key: \(NginxSandbox.secret)", "-d", #"{"model": "llama3.2:3b", "prompt": "stream", "stream": true}"#,
            directGenerate,
        ])
        return try StreamingRequest(program: program, arguments: arguments)
    }

    func testStreamedAnswerArrivesInPieces() throws {
        let stream = try streamedGenerate()
        XCTAssertEqual(stream.wait(timeout: 30), 0)
        let lines = stream.lines
        XCTAssertEqual(lines.count, 7, "six chunks and the final object: \(lines.map(\.text))")
        XCTAssertTrue(lines.last?.text.contains("\"done\":true") ?? false)
        // The stand-in writes a chunk every 300 ms: buffered, everything would arrive at once.
        let spread = (lines.last?.arrival ?? 0) - (lines.first?.arrival ?? 0)
        XCTAssertGreaterThan(spread, 1.2, "the first chunk must reach the client well before the last is written")
    }

    func testReloadDuringAStreamDoesNotCutIt() throws {
        let sandbox = try sandbox()
        let workersBefore = sandbox.workerProcessIDs()
        let stream = try streamedGenerate()
        XCTAssertTrue(stream.waitForFirstLine(timeout: 10))
        let master = try XCTUnwrap(sandbox.masterProcessID)
        XCTAssertEqual(kill(master, SIGHUP), 0, "reload nginx")
        XCTAssertEqual(stream.wait(timeout: 30), 0)
        XCTAssertEqual(stream.lines.count, 7, "\(stream.lines.map(\.text))")
        XCTAssertTrue(stream.lines.last?.text.contains("\"done\":true") ?? false)
        for _ in 0..<50 where Set(sandbox.workerProcessIDs()) == Set(workersBefore) { usleep(100_000) }
        XCTAssertNotEqual(Set(sandbox.workerProcessIDs()), Set(workersBefore), "the reload really replaced the workers")
    }

    func testRateLimitAnswers429() throws {
        try probes().assertRateLimitAnswers429()
    }

    func testAccessLogIsJSONWithTheArticlesFieldsAndNoKey() throws {
        let sandbox = try sandbox()
        _ = try request(["-H", "X-Ollama-Key: \(NginxSandbox.secret)", "-d", generate, directGenerate])
        _ = try request(["-H", "X-Ollama-Key: wrong", "-d", generate, directGenerate])
        let log = try String(contentsOf: sandbox.root.appendingPathComponent("var/log/nginx/inference-access.log"), encoding: .utf8)
        let lines = log.split(separator: "\n")
        XCTAssertGreaterThanOrEqual(lines.count, 2)
        let fields = ["time", "remote_addr", "x_forwarded_for", "request_id", "host", "method", "uri", "args", "protocol",
                      "status", "bytes_sent", "body_bytes_sent", "request_time", "upstream_addr", "upstream_status",
                      "upstream_response_time", "upstream_connect_time", "upstream_header_time", "referer", "user_agent"]
        for line in lines {
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            XCTAssertEqual(Set(object?.keys.map { $0 } ?? []), Set(fields), String(line))
            XCTAssertFalse(line.contains(NginxSandbox.secret), String(line))
        }
        XCTAssertFalse(log.contains("wrong"), "no key value of any kind is logged")
    }

    func probes() throws -> EndpointProbes {
        Self.probes(of: try sandbox())
    }

    /// Probes run inside the sandbox's namespace.
    static func probes(of sandbox: NginxSandbox) -> EndpointProbes {
        EndpointProbes(domain: NginxSandbox.domain, key: NginxSandbox.secret, authority: sandbox.certificate) { program, arguments in
            let (wrapper, all) = sandbox.namespace.command(program, arguments)
            return try Subprocess.run(wrapper, all)
        }
    }

    func testOnlyTLS12And13WithForwardSecrecy() throws {
        try probes().assertOnlyTLS12And13WithForwardSecrecy()
    }

    /// Where IPv6 was switched off with sysctl, nginx still opens its `[::]` sockets, and serves IPv4.
    func testIPv6SwitchedOffBySysctlStillStartsAndServesIPv4() throws {
        let sandbox = try NginxSandbox(ipv6SwitchedOff: true)
        defer { sandbox.tearDown() }
        let addresses = try sandbox.namespace.shell("ip -6 addr show dev lo; ss -Hltn")
        XCTAssertFalse(addresses.stdout.contains("::1/128"), "no IPv6 address: \(addresses.stdout)")
        for socket in ["0.0.0.0:80", "[::]:80", "0.0.0.0:443", "[::]:443"] {
            XCTAssertTrue(addresses.stdout.contains(" \(socket) "), "nginx listens on \(socket): \(addresses.stdout)")
        }
        let probes = Self.probes(of: sandbox)
        XCTAssertEqual(try probes.request(["-H", "X-Ollama-Key: \(NginxSandbox.secret)", "https://\(NginxSandbox.domain)/direct/api/tags"]).status, 200)
        try probes.assertPort80RefusesTheAPIAndRedirectsTheRest()
    }

    func testOnlyIntermediateKeyExchangeGroups() throws {
        try probes().assertOnlyIntermediateKeyExchangeGroups()
    }

    func testServerCertificateIsAnEndEntity() throws {
        try probes().assertServerCertificateIsAnEndEntity()
    }

    /// The self-signed step's guard keeps only a valid end-entity certificate with more than 30
    /// days left. Every other kind of file at its path (the earlier runbook's CA:TRUE certificate,
    /// one about to expire, one without basicConstraints, a truncated or empty file, none at all)
    /// makes the step run, and the step then leaves a good pair and no temporary file.
    func testSelfSignedCertificateIsMadeAgainUnlessItIsAGoodOne() throws {
        let sandbox = try NginxSandbox()
        defer { sandbox.tearDown() }
        let step = try XCTUnwrap(NginxSandbox.runSteps(variables: sandbox.variables).first { $0.script.script.contains("openssl req -x509") })
        XCTAssertFalse(try sandbox.needsToRun(step), "the certificate the first apply made is kept")
        let probes = Self.probes(of: sandbox)
        let request = "openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=$DOMAIN -keyout selfsigned-key.pem -out selfsigned-cert.pem"
        let replacements = [
            ("the earlier runbook's CA:TRUE certificate", "\(request) -days 825 -addext subjectAltName=DNS:$DOMAIN"),
            ("an end-entity certificate 20 days from expiry",
             "\(request) -days 20 -addext basicConstraints=critical,CA:FALSE -addext subjectAltName=DNS:$DOMAIN"),
            ("a certificate without basicConstraints",
             "printf '[req]\\ndistinguished_name = name\\n[name]\\n' >bare.cnf && \(request) -config bare.cnf -days 397 && rm bare.cnf"),
            ("a truncated certificate", "head -c 600 selfsigned-cert.pem >cut.pem && mv cut.pem selfsigned-cert.pem"),
            ("an empty file", ": >selfsigned-cert.pem"),
            ("no certificate", "rm selfsigned-cert.pem"),
        ]
        let directory = "/etc/ssl/runbook/\(NginxSandbox.domain)"
        for (what, replace) in replacements {
            let replaced = try sandbox.sandboxed("cd \(directory) && DOMAIN=\(NginxSandbox.domain) && \(replace)")
            XCTAssertEqual(replaced.status, 0, "\(what): \(replaced.all)")
            XCTAssertTrue(try sandbox.needsToRun(step), "\(what) must be replaced")
            let made = try sandbox.sandboxed(step.script.script)
            XCTAssertEqual(made.status, 0, made.all)
            XCTAssertFalse(try sandbox.needsToRun(step), "after replacing \(what), the new certificate is kept")
            try probes.assertServerCertificateIsAnEndEntity()
            let pair = try sandbox.sandboxed("""
                cd \(directory)
                [ "$(openssl x509 -noout -pubkey -in selfsigned-cert.pem)" = "$(openssl pkey -pubout -in selfsigned-key.pem)" ] && echo matches
                stat -c '%a %n' selfsigned-key.pem selfsigned-cert.pem
                ls -a
                """)
            XCTAssertTrue(pair.stdout.hasPrefix("matches\n600 selfsigned-key.pem\n644 selfsigned-cert.pem\n"), "\(what): \(pair.all)")
            XCTAssertFalse(pair.stdout.contains(".new"), "no temporary file is left: \(pair.stdout)")
        }
    }

    func testTheKeyIsAcceptedOnlyInItsHeader() throws {
        try probes().assertKeyAcceptedOnlyInItsHeader()
    }

    func testOllamaIsNotReachableOnANonLoopbackAddress() throws {
        let sandbox = try sandbox()
        let listening = try sandbox.namespace.shell("ss -ltnH")
        let ollama = listening.stdout.split(separator: "\n").filter { $0.contains(":11434") }
        XCTAssertFalse(ollama.isEmpty, listening.stdout)
        XCTAssertTrue(ollama.allSatisfy { $0.contains("127.0.0.1:11434") }, "11434 listens on loopback only: \(listening.stdout)")
    }
}
