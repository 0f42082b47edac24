import Foundation
import RunbookTestSupport
import XCTest

/// Probes of the deployed endpoint that try to get past it: old TLS versions, ciphers without
/// forward secrecy, curves outside the list, the API over plain HTTP, the key anywhere but its
/// header, odd paths, a burst above the rate limit; and what it must be: a server (not a CA)
/// certificate, and the same answers on IPv6. Used against the real nginx in a namespace and
/// against a fresh server.
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

    /// True when a TLS handshake with this protocol version (and cipher, and key exchange groups)
    /// succeeds with a verified certificate.
    func handshake(_ version: String, cipher: String? = nil, groups: String? = nil) throws -> Bool {
        var arguments = ["s_client", "-connect", "127.0.0.1:443", "-servername", domain, version, "-CAfile", authority,
                         "-verify_return_error"]
        if let cipher { arguments += ["-cipher", cipher] }
        if let groups { arguments += ["-groups", groups] }
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

    /// Mozilla's "intermediate" groups and no others, in TLS 1.3 and in TLS 1.2 (whose ciphers are all ECDHE).
    func assertOnlyIntermediateKeyExchangeGroups(file: StaticString = #filePath, line: UInt = #line) throws {
        for version in ["-tls1_3", "-tls1_2"] {
            for group in ["X25519", "prime256v1", "secp384r1"] {
                XCTAssertTrue(try handshake(version, groups: group), "\(version) with only \(group) must succeed", file: file, line: line)
            }
            for group in ["X448", "secp521r1"] {
                XCTAssertFalse(try handshake(version, groups: group), "\(version) with only \(group) must be refused", file: file, line: line)
            }
        }
    }

    /// On port 80 the API answers 403 with a pointer to HTTPS and no redirect to follow, for any
    /// method and with the key; any other path is redirected to the same path on HTTPS; a
    /// challenge that does not exist is 404 from the webroot. `address` is where port 80 is reached.
    func assertPort80RefusesTheAPIAndRedirectsTheRest(address: String = "127.0.0.1",
                                                      file: StaticString = #filePath, line: UInt = #line) throws {
        func plain(_ path: String, _ extra: [String] = []) throws -> (status: Int, location: String, body: String) {
            let result = try execute("/usr/bin/curl", ["-sS", "--max-time", "30", "--resolve", "\(domain):80:\(address)", "-o", "-",
                                                       "-w", "\n%{http_code} %{redirect_url}"] + extra + ["--path-as-is", "http://\(domain)\(path)"])
            XCTAssertEqual(result.status, 0, "curl failed: \(result.all)", file: file, line: line)
            let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
            let last = (lines.last ?? "").split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
            return (Int(last.first ?? "") ?? 0, last.count > 1 ? String(last[1]) : "", lines.dropLast().joined(separator: "\n"))
        }
        let refusal = "The API is served over HTTPS only: use https://\(domain)/direct/...\n"
        for (path, extra) in [("/direct/api/tags", []), ("/direct/api/tags", ["-H", "X-Ollama-Key: \(key)"]), ("/direct", []),
                              ("/direct/", []), ("/direct/api/generate", ["-H", "X-Ollama-Key: \(key)", "-d", "{}"]),
                              ("/direct/../direct/api/tags", []), ("/direct/api/tags?x=1", ["-X", "DELETE"])] {
            let answer = try plain(path, extra)
            XCTAssertEqual(answer.status, 403, "\(path) \(extra) on port 80", file: file, line: line)
            XCTAssertEqual(answer.location, "", "\(path) on port 80 must not redirect", file: file, line: line)
            XCTAssertEqual(answer.body, refusal, "\(path) on port 80 says to use HTTPS", file: file, line: line)
        }
        let headers = try execute("/usr/bin/curl", ["-sS", "--max-time", "30", "--resolve", "\(domain):80:\(address)", "-D", "-",
                                                    "-o", "/dev/null", "http://\(domain)/direct/api/tags"])
        XCTAssertFalse(headers.stdout.lowercased().contains("\nlocation:"), "no Location header:\n\(headers.stdout)", file: file, line: line)
        for path in ["/", "/index.html", "/api/tags", "/some/page?x=1"] {
            let answer = try plain(path)
            XCTAssertEqual(answer.status, 301, path, file: file, line: line)
            XCTAssertEqual(answer.location, "https://\(domain)\(path)", file: file, line: line)
        }
        let challenge = try plain("/.well-known/acme-challenge/no-such-token")
        XCTAssertEqual(challenge.status, 404, file: file, line: line)
        XCTAssertEqual(challenge.location, "", "a challenge is never redirected", file: file, line: line)
    }

    /// The API and port 80 answer on the IPv6 loopback as they do on IPv4.
    func assertAnswersOnIPv6(file: StaticString = #filePath, line: UInt = #line) throws {
        let tags = try execute("/usr/bin/curl", ["-sS", "--max-time", "30", "--resolve", "\(domain):443:[::1]", "--cacert", authority,
                                                 "-o", "/dev/null", "-w", "%{http_code} %{remote_ip}", "-H", "X-Ollama-Key: \(key)",
                                                 "https://\(domain)/direct/api/tags"])
        XCTAssertEqual(tags.stdout, "200 ::1", "HTTPS with the key on [::1]: \(tags.all)", file: file, line: line)
        try assertPort80RefusesTheAPIAndRedirectsTheRest(address: "[::1]", file: file, line: line)
    }

    /// The certificate is a server's, not a CA's: CA:FALSE (critical), digitalSignature and
    /// keyEncipherment, serverAuth, the domain as its subjectAltName, 397 days of life.
    /// `openssl x509 -text` reads it; a strict RFC 5280 verifier (Python's `cryptography`) is not
    /// on a fresh Debian 12, so its verdict is recorded in docs/RELIABILITY.md instead.
    func assertServerCertificateIsAnEndEntity(file: StaticString = #filePath, line: UInt = #line) throws {
        let text = try execute("/usr/bin/openssl", ["x509", "-noout", "-ext", "basicConstraints,keyUsage,extendedKeyUsage,subjectAltName",
                                                    "-in", authority])
        let lines = text.stdout.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        func value(after header: String) -> String? {
            lines.firstIndex(of: header).flatMap { $0 + 1 < lines.count ? lines[$0 + 1] : nil }
        }
        XCTAssertEqual(value(after: "X509v3 Basic Constraints: critical"), "CA:FALSE", text.all, file: file, line: line)
        XCTAssertEqual(value(after: "X509v3 Key Usage: critical"), "Digital Signature, Key Encipherment", text.all, file: file, line: line)
        XCTAssertEqual(value(after: "X509v3 Extended Key Usage:"), "TLS Web Server Authentication", text.all, file: file, line: line)
        XCTAssertEqual(value(after: "X509v3 Subject Alternative Name:"), "DNS:\(domain)", text.all, file: file, line: line)
        func expiresWithin(days: Double) throws -> Bool {
            try execute("/usr/bin/openssl", ["x509", "-noout", "-checkend", String(Int(days * 86400)), "-in", authority]).status == 1
        }
        XCTAssertTrue(try expiresWithin(days: 397.05), "valid for 397 days at most", file: file, line: line)
        XCTAssertFalse(try expiresWithin(days: 396), "made minutes ago for 397 days", file: file, line: line)
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
