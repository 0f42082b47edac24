import Foundation
import RunbookTestSupport

/// What installing some Debian packages does to a fresh server's `/etc`, `/var/www` and
/// `/usr/local`, measured on a twin: another fresh server on which only those packages are
/// installed, with the command and in the groups the runbook's apply used.
///
/// A rollback keeps the packages an apply installed (and everything their maintainer scripts
/// did: nginx's enabled default site, its rc.d links, ldconfig's cache). So after a rollback the
/// server must equal its pre-apply manifest with exactly these changes laid over it:
///
/// ```
/// let effect = try PackageInstallEffect.measure(groups: [["iproute2"], ["nginx", "curl"]], golden: golden)
/// XCTAssertEqual(afterRollback, beforeApply.applying(effect.changes))
/// ```
struct PackageInstallEffect {
    /// Path → its entry after the install, or nil when the install removed it.
    var changes: [String: ServerManifest.Entry?]
    /// `nginx -T` on the twin: the configuration a rolled-back server's nginx must run again.
    var nginxConfiguration: String?
    var transcript: String

    /// Measured once per run for each golden image and list of groups, keyed by `IMAGE: iproute2; nginx curl`.
    nonisolated(unsafe) private static var measured: [String: PackageInstallEffect] = [:]

    /// The packages each `packages` event of an apply's journal names, in order.
    static func groups(inJournalOf server: FreshServer, snapshot: Int = 1) throws -> [[String]] {
        let journal = server.root.appendingPathComponent(String(format: "var/lib/runbook/snapshots/%06d/journal.jsonl", snapshot))
        return try String(contentsOf: journal, encoding: .utf8).split(separator: "\n").compactMap { line in
            let event = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return event?["event"] as? String == "packages" ? event?["names"] as? [String] : nil
        }
    }

    /// Boots a twin (once per list of groups), installs the groups one apt-get at a time as the
    /// runbook does, and returns what changed. Needs the host's ports free: call it with no other
    /// fresh server running.
    static func measure(groups: [[String]], golden: URL) throws -> PackageInstallEffect {
        // Per image too: Debian 13's packages bring other files than Debian 12's.
        let key = golden.path + ": " + groups.map { $0.joined(separator: " ") }.joined(separator: "; ")
        if let known = measured[key] { return known }
        let twin = try FreshServer(name: "twin", golden: golden)
        defer { twin.tearDown() }
        let before = try ServerManifest(root: twin.root)
        for group in groups {
            // The runbook's own command (ChangeExecutor.install).
            let install = try twin.run("DEBIAN_FRONTEND=noninteractive apt-get install -y -q " + group.joined(separator: " "))
            guard install.status == 0 else {
                throw FreshServer.ServerError(description: "installing \(group) on the twin failed:\n\(twin.transcript)")
            }
        }
        let after = try ServerManifest(root: twin.root)
        let nginx = try twin.run("command -v nginx >/dev/null && nginx -T 2>/dev/null")
        let effect = PackageInstallEffect(changes: after.changes(since: before),
                                          nginxConfiguration: nginx.status == 0 ? nginx.stdout : nil, transcript: twin.transcript)
        measured[key] = effect
        return effect
    }
}
