import FoundationEssentials
import RunbookEngine
import RunbookModel
import RunbookHost

/// `plan --out FILE` across servers: one saved plan per host, each made by that host's agent
/// against that host (its identity, its paths' states, its values), in one file (mode 0600, no
/// secret in it, as a local saved plan). `apply FILE` checks each host's part against that host.
public struct FleetSavedPlan: Sendable, Codable {
    public static let format = "runbook fleet plan"
    public static let formatVersion = "1.0"

    public var format = Self.format
    public var formatVersion = Self.formatVersion
    public var createdAt: String
    /// The runbook folder the plans were made from, as the operator named it.
    public var runbookDirectory: String
    public var hosts: [Entry]

    public struct Entry: Sendable, Codable {
        /// As the command line or the inventory named it.
        public var host: String
        /// Where ssh reaches it: `[user@]name[:port]`.
        public var target: String
        public var become: Bool
        public var plan: SavedPlan

        public init(host: String, target: String, become: Bool, plan: SavedPlan) {
            self.host = host
            self.target = target
            self.become = become
            self.plan = plan
        }
    }

    public init(createdAt: String, runbookDirectory: String, hosts: [Entry]) {
        self.createdAt = createdAt
        self.runbookDirectory = runbookDirectory
        self.hosts = hosts
    }

    /// Two hosts that are one target (two names for one server): applying both parts would apply
    /// the first and find the second stale. nil when every host is a target of its own.
    public var sameTargetTwice: String? {
        for (index, entry) in hosts.enumerated() {
            if let other = hosts[..<index].first(where: { $0.plan.target == entry.plan.target }) {
                let which = entry.plan.target.machineID.map { "machine-id \($0)" } ?? entry.plan.target.host
                return "\(other.host) and \(entry.host) are one server (\(which), state directory \(entry.plan.target.stateDirectory))"
            }
        }
        return nil
    }

    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }

    /// The fleet plan in `path`, or nil when the file is something else (a plan of one machine);
    /// a fleet plan that cannot be read is refused naming the file.
    public static func readIfFleetPlan(_ path: String) throws -> FleetSavedPlan? {
        guard let data = FileManager.default.contents(atPath: path),
              let probe = try? JSONDecoder().decode(FormatOnly.self, from: data), probe.format == format else { return nil }
        guard probe.formatVersion.split(separator: ".").first == formatVersion.split(separator: ".").first else {
            throw Diagnostic("\(path) is a fleet plan of format \(probe.formatVersion), which this runbook (format \(formatVersion)) cannot read",
                             origin: path, hint: "apply it with the runbook that made it, or plan again")
        }
        let fleetPlan: FleetSavedPlan
        do {
            fleetPlan = try JSONDecoder().decode(FleetSavedPlan.self, from: data)
        } catch {
            throw Diagnostic("\(path) is not a fleet plan runbook can read: \(error)", origin: path,
                             hint: "make one with `runbook plan --inventory FILE --out \(path)`")
        }
        guard !fleetPlan.hosts.isEmpty else {
            throw Diagnostic("\(path) is a fleet plan of no host", origin: path, hint: "plan again with `runbook plan --inventory FILE --out \(path)`")
        }
        var seen: Set<String> = []
        for entry in fleetPlan.hosts {
            guard seen.insert(entry.host).inserted else {
                throw Diagnostic("\(path) holds two plans for \(Diagnostic.shown(entry.host))", origin: path,
                                 hint: "a fleet plan holds one plan a host; plan again")
            }
            try entry.plan.check(in: path)
        }
        if let problem = fleetPlan.sameTargetTwice { throw Diagnostic(problem, origin: path, hint: "plan again, naming each server once") }
        return fleetPlan
    }

    private struct FormatOnly: Decodable {
        var format: String?
        var formatVersion: String
    }
}
