import FoundationEssentials

/// The time, as runbook records it in snapshots, lock records and saved plans.
package enum Clock {
    /// ISO 8601 in UTC with milliseconds: `2026-12-03T15:50:17.942Z`.
    package static func timestamp() -> String {
        Date().formatted(Date.ISO8601FormatStyle(includingFractionalSeconds: true))
    }
}
