/// `kind: "fleet"`: what a command given several hosts (`--host` twice, `--inventory`) did on each,
/// after the `hostEvent` lines of an apply (docs/JSON.md).
package struct FleetDocument: Encodable {
    package var formatVersion = "1.0"
    package let kind = "fleet"
    package var command: String
    package var exitCode: Int32
    package var seconds: Double
    package var counts: [String: Int]
    package var hosts: [HostOutcome]

    package init(command: String, exitCode: Int32, seconds: Double, outcomes: [HostOutcome]) {
        self.command = command
        self.exitCode = exitCode
        self.seconds = DurationText.milliseconds(seconds)
        counts = Dictionary(outcomes.map { ($0.result.rawValue, 1) }, uniquingKeysWith: +)
        hosts = outcomes
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
