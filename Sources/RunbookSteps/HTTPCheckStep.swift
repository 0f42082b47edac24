import FoundationEssentials
import Glibc
import RunbookModel
import RunbookHost

/// `http check`: a request in the `.http` request-file format, and the answer it must get.
///
/// ````
/// ```http check expect=403 resolve={{domain}}:443:127.0.0.1 cacert=/etc/ssl/runbook/fullchain.pem
/// POST https://{{domain}}/direct/api/generate
/// Content-Type: application/json
///
/// {"model": "{{model}}", "prompt": "{{prompt}}", "stream": false}
/// ```
/// ````
/// curl makes the request. Its whole configuration, headers included, goes to it on standard
/// input, so a key in a header is never on a command line that `ps` shows.
public struct HTTPCheckStep: VerifyingStep {
    package static let definition = StepDefinition(
        StepDescription(kind: StepKind("http-check"), marker: "check", markerValue: nil, language: "http",
                        attributes: ["retries", "delay", "expect", "contains", "resolve", "cacert", "timeout"],
                        purpose: "an HTTP request and the answer it must get, made with curl")
    ) { .check(try HTTPCheckStep($0)) }

    public let info: StepInfo
    public let method: String
    public let url: String
    public let headers: [String]
    public let body: String?
    public let expectedStatus: Int
    public let contains: String?
    public let resolve: String?
    public let caCertificate: String?
    public let retries: Int
    public let delay: Double
    /// Seconds the request may take, each attempt: curl's own `max-time`.
    public let timeout: Int

    public var wholeScript: String {
        ([method + " " + url] + headers).joined(separator: "\n") + (body.map { "\n\n" + $0 } ?? "")
    }

    package static let methods: Set<String> = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]

    package init(_ source: StepSource) throws {
        let text = try source.body()
        var lines = text.lines().map(String.init)
        var lineNumber = 0
        func location(_ offset: Int) -> SourceLocation {
            SourceLocation(file: source.block.bodyLocation.file, line: source.block.bodyLocation.line + offset,
                           column: source.block.bodyLocation.column)
        }
        while let first = lines.first, first.trimmingBlanks().isEmpty || first.hasPrefix("#") {
            lines.removeFirst()
            lineNumber += 1
        }
        guard let requestLine = lines.first else {
            throw Diagnostic("the http check has no request", at: source.block.location,
                             hint: "start the body with a line like: GET https://example.com/")
        }
        let parts = requestLine.split(separator: " ").map(String.init)
        if parts.count >= 2, !Self.methods.contains(parts[0]), parts[0].allSatisfy({ $0.isASCII && $0.isUppercase }) {
            throw Diagnostic("'\(parts[0])' is not an HTTP method", at: location(lineNumber),
                             hint: "use \(Self.methods.sorted().dropLast().joined(separator: ", ")) or \(Self.methods.sorted().last!)")
        }
        guard parts.count >= 2, parts.count <= 3, Self.methods.contains(parts[0]),
              parts[1].hasPrefix("http://") || parts[1].hasPrefix("https://"), parts.count == 2 || parts[2].hasPrefix("HTTP/") else {
            throw Diagnostic("the request line must be METHOD URL", at: location(lineNumber),
                             hint: "for example: POST https://{{domain}}/direct/api/generate")
        }
        method = parts[0]
        url = parts[1]
        lines.removeFirst()
        lineNumber += 1
        var headers: [String] = []
        while let line = lines.first, !line.trimmingBlanks().isEmpty {
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex,
                  !line[..<colon].contains(" ") else {
                throw Diagnostic("a header line must be Name: value", at: location(lineNumber),
                                 hint: "leave a blank line between the headers and the body")
            }
            headers.append(line)
            lines.removeFirst()
            lineNumber += 1
        }
        self.headers = headers
        let rest = lines.dropFirst().joined(separator: "\n")
        let trimmedBody = rest.hasSuffix("\n") ? String(rest.dropLast()) : rest
        body = trimmedBody.isEmpty ? nil : trimmedBody
        expectedStatus = try source.integer("expect", default: 200, range: 100...599)
        contains = try source.string("contains")
        if let resolve = try source.string("resolve") {
            guard resolve.split(separator: ":", omittingEmptySubsequences: false).count >= 3 else {
                throw Diagnostic("resolve= takes HOST:PORT:ADDRESS", at: source.location("resolve"),
                                 hint: "for example resolve=inference.example.com:443:127.0.0.1")
            }
            self.resolve = resolve
        } else {
            resolve = nil
        }
        caCertificate = try source.path("cacert")
        retries = try source.integer("retries", default: 0, range: 0...100)
        delay = try source.seconds("delay", default: 1)
        timeout = try source.timeout(default: 60)
        info = source.info("http check \(method) \(url) expects \(expectedStatus)")
    }

    package static let statusMarker = "\n@runbook-http-status@"

    /// curl's configuration: every value quoted with curl's own escapes.
    package var curlConfiguration: String {
        func quoted(_ value: String) -> String {
            "\"" + value.replacingEvery("\\", with: "\\\\").replacingEvery("\"", with: "\\\"")
                .replacingEvery("\n", with: "\\n").replacingEvery("\r", with: "\\r")
                .replacingEvery("\t", with: "\\t") + "\""
        }
        var lines = ["url = \(quoted(url))", "request = \(quoted(method))", "silent", "show-error", "max-time = \(timeout)",
                     "write-out = \(quoted(Self.statusMarker + "%{http_code}"))"]
        lines += headers.map { "header = \(quoted($0))" }
        if let body { lines.append("data-binary = \(quoted(body))") }
        if let resolve { lines.append("resolve = \(quoted(resolve))") }
        if let caCertificate { lines.append("cacert = \(quoted(caCertificate))") }
        return lines.joined(separator: "\n") + "\n"
    }

    /// curl stops itself at `timeout` and says so; the process bound, a little later, is for a curl that does not.
    private static let curlGrace = 5

    public func verify(on host: any HostFacts) throws -> String? {
        let result = try host.run(ShellCommand(script: "exec curl --config -", standardInput: curlConfiguration.utf8Data,
                                               timeout: timeout + Self.curlGrace))
        if result.commandNotFound {
            return "curl is not installed; install it (apt-get install -y curl) or add it to a package step"
        }
        // The last marker, found on bytes: a body ending in "\r" would join the marker's "\n" into
        // one Character, and a Character search would miss it.
        var markerOffset: Int?
        while let next = result.output.utf8Offset(of: Self.statusMarker, from: markerOffset.map { $0 + 1 } ?? 0) {
            markerOffset = next
        }
        guard let markerOffset else {
            return "curl failed (exit \(result.status)):\n\(result.output)"
        }
        let responseBody = String(decoding: result.output.utf8.prefix(markerOffset), as: UTF8.self)
        let statusText = String(decoding: result.output.utf8.dropFirst(markerOffset + Self.statusMarker.utf8.count), as: UTF8.self)
        let status = Int(statusText.trimmingWhitespace()) ?? 0
        if !result.succeeded || status == 0 {
            return "curl failed (exit \(result.status)): \(responseBody)"
        }
        if status != expectedStatus {
            return "\(method) \(url) answered \(status), expected \(expectedStatus):\n\(responseBody.prefix(2000))"
        }
        if let contains, !responseBody.contains(contains) {
            return "\(method) \(url) answered \(status) but the body does not contain \(contains):\n\(responseBody.prefix(2000))"
        }
        return nil
    }
}
