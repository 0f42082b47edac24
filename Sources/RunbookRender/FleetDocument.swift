/// `kind: "fleet"`: what a command given several hosts (`--host` twice, `--inventory`) did on each,
/// after the `hostEvent` lines of an apply (docs/JSON.md).
package struct FleetDocument: Encodable {
    package var formatVersion = "1.0"
    package let kind = "fleet"
    package var command: String
    package var exitCode: Int32
    package var seconds: Double
    package var counts: [String: Int]
    package var hosts: [HostDocument]

    package struct HostDocument: Encodable {
        package var host: String
        package var result: HostOutcome.Result
        package var exitCode: Int32?
        package var changed: Int?
        package var unchanged: Int?
        package var failedStep: String?
        package var seconds: Double
        package var reason: String?
        package var earlier: [String]
        package var stale: [String]?
        /// The document the command prints for one host: a `plan`, an `apply`, a `snapshots` …
        package var document: JSONValue?
    }

    package init(command: String, exitCode: Int32, seconds: Double, outcomes: [HostOutcome]) {
        self.command = command
        self.exitCode = exitCode
        self.seconds = DurationText.milliseconds(seconds)
        counts = Dictionary(outcomes.map { ($0.result.rawValue, 1) }, uniquingKeysWith: +)
        hosts = outcomes.map {
            HostDocument(host: $0.host, result: $0.result, exitCode: $0.exitCode, changed: $0.changed, unchanged: $0.unchanged,
                         failedStep: $0.failedStep, seconds: DurationText.milliseconds($0.seconds), reason: $0.reason,
                         earlier: $0.earlier, stale: $0.stale.isEmpty ? nil : $0.stale, document: $0.document)
        }
    }
}

/// `kind: "hostEvent"`: one `event` document of one host's apply, as it happens, in a fleet's `apply --json`.
package struct HostEventDocument: Encodable {
    package init(host: String, event: JSONValue) {
        self.host = host
        self.event = event
    }

    package var formatVersion = "1.0"
    package let kind = "hostEvent"
    package var host: String
    package var event: JSONValue
}
