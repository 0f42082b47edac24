import RunbookModel
import RunbookHost

/// `--limit PATTERN`: which hosts of the fleet a command takes, as Ansible writes it, with commas:
/// `web` (a group or a host), `web-*` (`*` matches any characters), `web,db` (either),
/// `web,&prod` (those also in prod), `web,!web-3` (but not web-3).
public struct HostPattern: Sendable, Equatable {
    public var text: String

    public init(_ text: String) throws(HostPattern.Invalid) {
        let terms = text.split(separator: ",", omittingEmptySubsequences: false)
        guard !terms.contains(where: { $0.trimmingBlanks().isEmpty || $0 == "!" || $0 == "&" }) else {
            throw Invalid(message: "--limit has an empty name in \(Diagnostic.shown(text))")
        }
        self.text = text
    }

    public struct Invalid: Error, Sendable {
        public var message: String
        public var hint = "write --limit NAME[,NAME...]: hosts or groups, * as a wildcard, &GROUP for those also in it, !NAME to leave one out"
    }

    /// The hosts selected, in the fleet's order. A name that matches no host or group is an error:
    /// a typo must not shrink a rollout silently.
    public func select(from hosts: [FleetHost], groups: [String: [String]], origin: String) throws -> [FleetHost] {
        var included: Set<String>?
        var required: [Set<String>] = []
        var excluded: Set<String> = []
        for term in text.split(separator: ",").map({ $0.trimmingBlanks() }) {
            let (mark, name) = term.first == "!" || term.first == "&" ? (term.first, String(term.dropFirst())) : (nil, term)
            let matched = Self.matches(name, hosts: hosts, groups: groups)
            guard !matched.isEmpty else {
                let known = Set(hosts.map(\.name)).union(groups.keys)
                let hint = suggestion(for: name, among: known, what: "")
                throw Diagnostic("--limit \(Diagnostic.shown(name)) matches no host or group of \(origin.replacingEvery("--inventory ", with: ""))",
                                 origin: "--limit \(text)",
                                 hint: hint.hasPrefix("did you mean") ? hint : "hosts are \(Self.listed(hosts.map(\.name)))"
                                    + (groups.isEmpty ? "" : "; groups are \(Self.listed(groups.keys.sorted()))"))
            }
            switch mark {
            case "!": excluded.formUnion(matched)
            case "&": required.append(matched)
            default: included = (included ?? []).union(matched)
            }
        }
        let chosen = hosts.filter { host in
            (included?.contains(host.name) ?? true) && required.allSatisfy { $0.contains(host.name) } && !excluded.contains(host.name)
        }
        guard !chosen.isEmpty else {
            throw Diagnostic("--limit \(Diagnostic.shown(text)) leaves no host", origin: "--limit \(text)",
                             hint: "its exclusions and intersections remove every host it names")
        }
        return chosen
    }

    private static func matches(_ name: String, hosts: [FleetHost], groups: [String: [String]]) -> Set<String> {
        var found = Set(hosts.map(\.name).filter { glob(name, matches: $0) })
        for (group, members) in groups where glob(name, matches: group) { found.formUnion(members) }
        return found
    }

    /// `*` matches any run of characters; everything else itself.
    static func glob(_ pattern: String, matches word: String) -> Bool {
        let pieces = pattern.split(separator: "*", omittingEmptySubsequences: false)
        guard pieces.count > 1 else { return pattern == word }
        var rest = Substring(word)
        guard rest.hasPrefix(pieces[0]) else { return false }
        rest = rest.dropFirst(pieces[0].count)
        for piece in pieces.dropFirst().dropLast() {
            guard let found = rest.firstRange(of: piece) else { return false }
            rest = rest[found.upperBound...]
        }
        return rest.hasSuffix(pieces.last!) && rest.count >= pieces.last!.count
    }

    private static func listed(_ names: [String]) -> String {
        names.prefix(8).joined(separator: ", ") + (names.count > 8 ? ", …" : "")
    }
}
