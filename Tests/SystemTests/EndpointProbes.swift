import Foundation
import RunbookTestSupport
import XCTest

/// Probes of the deployed HTTPS endpoint that try to get past it: old TLS versions, ciphers
/// without forward secrecy, the key anywhere but its header, odd paths, a burst above the rate
/// limit. Used against the real nginx in a namespace and against a fresh server.
struct EndpointProbes {
    var domain: String
    var key: String
    /// The CA file that verifies the served certificate.
    var authority: String
    /// Runs a program where the endpoint is reachable on 127.0.0.1 (a namespace, or the host).
    var execute: (_ program: String, _ arguments: [String]) throws -> Subprocess.Result

    /// Status code and body of one request, the certificate verified (never `-k`).
    func request(_ arguments: [String]) throws -> (status: Int, body: String) {
        let result = try curl(["-o", "-", "-w", "\n%{http_code}"] + arguments)
        XCTAssertEqual(result.status, 0, "curl failed: \(result.all)")
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        return (Int(lines.last ?? "") ?? 0, lines.dropLast().joined(separator: "\n"))
    }

    func curl(_ arguments: [String]) throws -> Subprocess.Result {
        try execute("/usr/bin/curl", ["-sS", "--resolve", "\(domain):443:127.0.0.1", "--resolve", "\(domain):80:127.0.0.1",
                                      "--cacert", authority, "--max-time", "30"] + arguments)
    }

    /// True when a TLS handshake with this protocol version (and cipher) succeeds with a verified certificate.
    func handshake(_ version: String, cipher: String? = nil) throws -> Bool {
        var arguments = ["s_client", "-connect", "127.0.0.1:443", "-servername", domain, version, "-CAfile", authority,
                         "-verify_return_error"]
        if let cipher { arguments += ["-cipher", cipher] }
        let result = try execute("/bin/sh", ["-c", "exec openssl \"$@\" </dev/null", "openssl"] + arguments)
        return result.status == 0 && result.stdout.contains("Verify return code: 0 (ok)")
    }

    func assertOnlyTLS12And13WithForwardSecrecy(file: StaticString = #filePath, line: UInt = #line) throws {
        XCTAssertFalse(try handshake("-tls1_1"), "TLS 1.1 must be refused", file: file, line: line)
        XCTAssertTrue(try handshake("-tls1_2"), file: file, line: line)
        XCTAssertTrue(try handshake("-tls1_3"), file: file, line: line)
        XCTAssertFalse(try handshake("-tls1_2", cipher: "AES128-GCM-SHA256"), "plain RSA key exchange has no forward secrecy",
                       file: file, line: line)
    }

    func assertKeyAcceptedOnlyInItsHeader(file: StaticString = #filePath, line: UInt = #line) throws {
        let url = "https://\(domain)/direct/api/tags"
        XCTAssertEqual(try request(["-H", "x-OLLAMA-key: \(key)", url]).status, 200, "header names are case-insensitive",
                       file: file, line: line)
        XCTAssertEqual(try request(["\(url)?key=\(key)"]).status, 403, "query string", file: file, line: line)
        XCTAssertEqual(try request(["-b", "X-Ollama-Key=\(key)", url]).status, 403, "cookie", file: file, line: line)
        XCTAssertEqual(try request(["-u", "ollama:\(key)", url]).status, 403, "basic auth", file: file, line: line)
        // Whitespace around a header value is not part of it (RFC 9110, 5.5); inside it, it is.
        for wrong in ["", "\(key.prefix(32)) \(key.dropFirst(32))", "\(key.prefix(32))\t\(key.dropFirst(32))",
                      "x\(key)", "\(key)x", "Bearer \(key)", String(key.dropLast())] {
            XCTAssertEqual(try request(["-H", "X-Ollama-Key: \(wrong)", url]).status, 403, "key variant '\(wrong)'",
                           file: file, line: line)
        }
        for path in ["/direct", "/DIRECT/api/tags", "/direct/../api/tags", "/direct/%2e%2e/api/tags"] {
            let status = try request(["--path-as-is", "-H", "X-Ollama-Key: \(key)", "https://\(domain)\(path)"]).status
            XCTAssertTrue(status == 404 || status == 403 || status == 400, "\(path) gave \(status)", file: file, line: line)
        }
    }

    /// 60 requests at once with the key: the first pass, those beyond rate and burst get 429, and
    /// within a second a request passes again.
    func assertRateLimitAnswers429(file: StaticString = #filePath, line: UInt = #line) throws {
        let urls = Array(repeating: "https://\(domain)/direct/api/version", count: 60)
        let result = try curl(["-H", "X-Ollama-Key: \(key)", "-w", "\n@status %{http_code}\n"] + urls)
        let codes = result.stdout.split(separator: "\n").filter { $0.hasPrefix("@status ") }.map { String($0.dropFirst(8)) }
        XCTAssertEqual(codes.count, 60, result.all, file: file, line: line)
        XCTAssertEqual(codes.first, "200", file: file, line: line)
        XCTAssertTrue(codes.contains("429"), "a burst above the rate gets 429: \(codes)", file: file, line: line)
        sleep(1)
        XCTAssertEqual(try request(["-H", "X-Ollama-Key: \(key)", "https://\(domain)/direct/api/version"]).status, 200,
                       "within a second of the burst, a request succeeds again; nginx and Ollama are still up", file: file, line: line)
        // Let the limit refill fully before anything else runs.
        sleep(2)
    }
}
