/// A Debian release the fresh-server tests boot: stable (13) and the one before it (12), which
/// most servers that ran the runbook so far still have.
enum DebianRelease: String, CaseIterable, Sendable {
    case bookworm
    case trixie

    var version: Int {
        switch self {
        case .bookworm: 12
        case .trixie: 13
        }
    }

    /// "Debian 13 (trixie)"
    var title: String { "Debian \(version) (\(rawValue))" }
}
