/// How a command ended on one host of a fleet: a row of the table `apply` ends with, and an entry
/// of the `fleet` document (docs/JSON.md), which says it in these keys.
package struct HostOutcome: Sendable, Encodable {
    package enum Result: String, Codable, Sendable, CaseIterable {
        /// plan: nothing to change.
        case converged
        /// plan: changes pending.
        case changesPending
        /// apply: it converged; rollback, snapshots, vars: the command did what it was asked.
        case applied
        case done
        /// The command failed there (a step, a refusal, a stale plan); what it changed was restored.
        case failed
        /// ssh did not reach it; nothing ran there.
        case unreachable
        /// The connection dropped midway; a changing command goes on there, and the next reports how it ended.
        case connectionLost
        /// Another runbook holds its state directory lock.
        case locked
        /// An earlier batch of `--serial` failed, so this host was never touched.
        case notStarted
        /// `apply FILE`: its part of the saved plan no longer holds; it was not applied.
        case stale

        /// Whether a batch counts it as a failure (`--max-fail`).
        package var isFailure: Bool { ![.converged, .changesPending, .applied, .done].contains(self) }

        /// How the table and the summary say it.
        package var words: String {
            switch self {
            case .converged: "converged"
            case .changesPending: "changes pending"
            case .applied: "applied"
            case .done: "done"
            case .failed: "failed"
            case .unreachable: "unreachable"
            case .connectionLost: "connection lost"
            case .locked: "locked"
            case .notStarted: "not started"
            case .stale: "stale"
            }
        }
    }

    package var host: String
    package var result: Result
    /// The agent's exit code; nil when no agent answered.
    package var exitCode: Int32?
    package var changed: Int?
    package var unchanged: Int?
    package var failedStep: String?
    package var seconds: Double
    /// Why, in one line, for a result that is not what was asked for.
    package var reason: String?
    /// Commands whose connection dropped earlier, as the host reported them.
    package var earlier: [String] = []
    /// `apply FILE`: why its part of the saved plan no longer holds.
    package var stale: [String] = []
    /// The host's own document (its plan, its apply, its listing), for `--json`.
    package var document: JSONValue?

    // The document gives seconds to the millisecond, and no `stale` list for a host that has none.
    package func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(host, forKey: .host)
        try container.encode(result, forKey: .result)
        try container.encodeIfPresent(exitCode, forKey: .exitCode)
        try container.encodeIfPresent(changed, forKey: .changed)
        try container.encodeIfPresent(unchanged, forKey: .unchanged)
        try container.encodeIfPresent(failedStep, forKey: .failedStep)
        try container.encode(DurationText.milliseconds(seconds), forKey: .seconds)
        try container.encodeIfPresent(reason, forKey: .reason)
        try container.encode(earlier, forKey: .earlier)
        if !stale.isEmpty { try container.encode(stale, forKey: .stale) }
        try container.encodeIfPresent(document, forKey: .document)
    }

    private enum CodingKeys: String, CodingKey {
        case host, result, exitCode, changed, unchanged, failedStep, seconds, reason, earlier, stale, document
    }

    package init(host: String, result: Result, exitCode: Int32? = nil, seconds: Double = 0, reason: String? = nil) {
        self.host = host
        self.result = result
        self.exitCode = exitCode
        self.seconds = seconds
        self.reason = reason
    }
}
