import RunbookModel
import RunbookHost

/// Ansible's INI inventory, read as Ansible reads it, for the settings runbook uses:
/// ```
/// web1.example.com                      # before any section: group "ungrouped"
/// [web]
/// web[01:03].example.com ansible_user=deploy
/// db ansible_host=10.0.0.9 ansible_port=2222 domain=db.example.com
/// [web:vars]
/// tls=selfsigned
/// [prod:children]
/// web
/// [all:vars]
/// ansible_become=true
/// ```
/// `ansible_host`, `ansible_user`, `ansible_port` (and their `ansible_ssh_` forms) say where ssh
/// goes, `ansible_become` asks for `sudo -n`; other `ansible_` settings are left to Ansible. Every
/// other NAME=VALUE is a runbook variable. A host's value wins over its groups', a child group's
/// over its parent's (groups of one depth in name order), and any group's over `all:vars`.
enum AnsibleInventory {
    private struct Setting {
        var name: String
        var value: String
        var location: SourceLocation
    }

    private struct HostEntry {
        var groups: [String] = []
        var settings: [Setting] = []
        var location: SourceLocation
    }

    private enum Section {
        case hosts(String)
        case variables(String)
        case children(String)
    }

    static func parse(_ lines: [Substring], file: String) throws -> Inventory {
        var problems = DiagnosticCollector()
        var hostOrder: [String] = []
        var hosts: [String: HostEntry] = [:]
        var groupVariables: [String: [Setting]] = [:]
        var parents: [String: Set<String>] = [:]
        var groupOrder: [String] = []
        var childLocations: [(child: String, location: SourceLocation)] = []
        var section = Section.hosts("ungrouped")
        func noteGroup(_ name: String) { if !groupOrder.contains(name) { groupOrder.append(name) } }

        for (offset, text) in lines.enumerated() {
            let at = { (column: Int) in SourceLocation(file: file, line: offset + 1, column: column) }
            let trimmed = text.trimmingBlanks()
            if trimmed.hasPrefix("[") {
                guard trimmed.hasSuffix("]"), trimmed.count > 2 else {
                    problems.record(Diagnostic("a section heading is [group], [group:vars] or [group:children]", at: at(1),
                                               hint: "close it with ]"))
                    continue
                }
                let heading = String(trimmed.dropFirst().dropLast())
                let parts = heading.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
                guard parts.count <= 2, isGroupName(parts[0]), parts.count == 1 || ["vars", "children"].contains(parts[1]) else {
                    problems.record(Diagnostic("\(Diagnostic.shown(heading)) is not a section runbook knows", at: at(1),
                                               hint: "write [group], [group:vars] or [group:children]; a group name is letters, digits, _ and -"))
                    continue
                }
                noteGroup(parts[0])
                section = parts.count == 1 ? .hosts(parts[0]) : parts[1] == "vars" ? .variables(parts[0]) : .children(parts[0])
                continue
            }
            let line: InventoryLine
            do {
                line = try InventoryLine(text, number: offset + 1, commentStarts: ["#", ";"])
            } catch {
                problems.record(Diagnostic("a quoted value is never closed", at: at(error.column), hint: "end it with the quote it starts with"))
                continue
            }
            guard let first = line.words.first else { continue }
            switch section {
            case .hosts(let group):
                noteGroup(group)
                let names: [String]
                do {
                    var budget = Self.mostHosts
                    names = try expand(first.text, budget: &budget)
                } catch {
                    problems.record(Diagnostic(error.message, at: at(first.column), hint: "a range is [01:50] or [a:f], like web[01:50].example.com"))
                    continue
                }
                let settings = line.settings(file: file, hint: "a host's settings follow it on its line, like ansible_user=deploy",
                                             problems: &problems).map { Setting(name: $0.name, value: $0.value, location: $0.location) }
                for name in names {
                    if hosts[name] == nil {
                        hostOrder.append(name)
                        hosts[name] = HostEntry(location: at(first.column))
                    }
                    if !hosts[name]!.groups.contains(group) { hosts[name]!.groups.append(group) }
                    hosts[name]!.settings += settings
                }
            case .variables(let group):
                guard line.words.count == 1 || (line.words.count == 3 && line.words[1].text == "="),
                      let (name, value) = line.words.count == 1 ? InventoryLine.assignment(first) : (first.text, line.words[2].text) else {
                    problems.record(Diagnostic("a line of [\(group):vars] is one NAME=VALUE", at: at(first.column),
                                               hint: "like tls=selfsigned; quote a value that holds blanks"))
                    continue
                }
                groupVariables[group, default: []].append(Setting(name: name, value: value, location: at(first.column)))
            case .children(let group):
                guard line.words.count == 1, isGroupName(first.text), first.text != "all" else {
                    problems.record(Diagnostic(first.text == "all" ? "all holds every group, so it is no group's child"
                                               : "a line of [\(group):children] is one group name", at: at(first.column),
                                               hint: "the group's own hosts go under [\(group)]"))
                    continue
                }
                parents[first.text, default: []].insert(group)
                noteGroup(first.text)
                childLocations.append((first.text, at(first.column)))
            }
        }
        try problems.throwIfAny()

        // Depth from `all`: a group no other names as a child is at depth 1.
        var depths: [String: Int] = ["all": 0]
        func depth(_ group: String, _ visiting: [String]) throws -> Int {
            if let known = depths[group] { return known }
            if visiting.contains(group) {
                let location = childLocations.first { $0.child == group }!.location
                throw Diagnostic("the groups \((visiting + [group]).joined(separator: " → ")) are each other's children", at: location,
                                 hint: "a group cannot contain itself")
            }
            let found = 1 + (try (parents[group] ?? []).map { try depth($0, visiting + [group]) }.max() ?? 0)
            depths[group] = found
            return found
        }
        func ancestors(of group: String) -> Set<String> {
            var found: Set<String> = [group]
            var pending = [group]
            while let next = pending.popLast() {
                for parent in parents[next] ?? [] where found.insert(parent).inserted { pending.append(parent) }
            }
            return found
        }

        for group in groupOrder { _ = try depth(group, []) }
        var members: [String: [String]] = [:]
        var fleet: [FleetHost] = []
        var named: [String: SourceLocation] = [:]
        var ignored: Set<String> = []
        for name in hostOrder {
            let entry = hosts[name]!
            let groups = entry.groups.reduce(into: Set<String>()) { $0.formUnion(ancestors(of: $1)) }
                .sorted { (depths[$0] ?? 1, $0) < (depths[$1] ?? 1, $1) }
            for group in groups + ["all"] { members[group, default: []].append(name) }
            var effective: [String: Setting] = [:]
            var order: [String] = []
            for setting in (groupVariables["all"] ?? []) + groups.flatMap({ groupVariables[$0] ?? [] }) + entry.settings {
                if effective[setting.name] == nil { order.append(setting.name) }
                effective[setting.name] = setting
            }
            let value = { (names: [String]) in names.lazy.compactMap { effective[$0] }.first }
            let address = value(["ansible_host", "ansible_ssh_host"])
            let user = value(["ansible_user", "ansible_ssh_user"])
            let port = value(["ansible_port", "ansible_ssh_port"])
            let (hostName, namedPort) = splitPort(name)
            if let first = named[hostName] {
                problems.record(Diagnostic("the host \(hostName) is named twice, on two ports", at: entry.location,
                                           hint: "it is first named at \(first); give its port once, with ansible_port"))
                continue
            }
            named[hostName] = entry.location
            var written = address?.value ?? hostName
            if written.contains(":") { written = "[\(written)]" }
            let portText = port?.value ?? namedPort
            let targetText = (user.map { "\($0.value)@" } ?? "") + written + (portText.map { ":\($0)" } ?? "")
            let target: SSHTarget
            do {
                target = try SSHTarget(parsing: targetText)
            } catch {
                problems.record(Diagnostic(error.message.replacingEvery("--host", with: "the host \(name)"),
                                           at: (port ?? user ?? address)?.location ?? entry.location,
                                           hint: "ansible_host is a name or address, ansible_user a login name, ansible_port a number"))
                continue
            }
            var become = false
            if let setting = effective["ansible_become"] {
                switch setting.value.lowercased() {
                case "true", "yes", "1", "on": become = true
                case "false", "no", "0", "off": become = false
                default:
                    problems.record(Diagnostic("ansible_become is true or false, not \(Diagnostic.shown(setting.value))", at: setting.location,
                                               hint: "write ansible_become=true to run the agent under sudo -n"))
                }
            }
            let runbookSettings = order.compactMap { effective[$0] }.filter { !$0.name.hasPrefix("ansible_") }
            for name in order where name.hasPrefix("ansible_") && !Self.used.contains(name) { ignored.insert(name) }
            fleet.append(FleetHost(name: hostName, target: target, groups: groups,
                                   variables: runbookSettings.map { VariableInput(name: $0.name, value: $0.value, location: $0.location) },
                                   become: become))
        }
        try problems.throwIfAny()
        for group in groupOrder where members[group] == nil { members[group] = [] }
        return Inventory(file: file, format: .ansibleINI, hosts: fleet, groups: members, ignoredSettings: ignored.sorted())
    }

    private static let used: Set<String> = ["ansible_host", "ansible_ssh_host", "ansible_user", "ansible_ssh_user", "ansible_port",
                                            "ansible_ssh_port", "ansible_become"]

    private static func isGroupName(_ word: String) -> Bool {
        !word.isEmpty && word.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "_" || $0 == "-") }
    }

    /// `web-1:2222` is host `web-1` on port 2222; an IPv6 address keeps its colons.
    private static func splitPort(_ name: String) -> (String, String?) {
        guard let colon = name.lastIndex(of: ":"), name.filter({ $0 == ":" }).count == 1 else { return (name, nil) }
        return (String(name[..<colon]), String(name[name.index(after: colon)...]))
    }

    struct BadRange: Error { var message: String }

    /// The most hosts one line may name, its ranges multiplied.
    static let mostHosts = 100_000

    /// `web[01:03]` is web01, web02, web03; `db-[a:c]` is db-a, db-b, db-c; `[1:9:2]` steps by 2.
    /// `budget` is how many names may still be made.
    static func expand(_ pattern: String, budget: inout Int) throws(BadRange) -> [String] {
        guard let open = pattern.firstIndex(of: "[") else {
            budget -= 1
            guard budget >= 0 else { throw BadRange(message: "the host ranges of this line name more than \(mostHosts) hosts") }
            return [pattern]
        }
        guard let close = pattern[open...].firstIndex(of: "]") else { throw BadRange(message: "the host range has a '[' with no ']'") }
        let head = String(pattern[..<open])
        let tail = String(pattern[pattern.index(after: close)...])
        let parts = pattern[pattern.index(after: open)..<close].split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count == 2 || parts.count == 3 else { throw BadRange(message: "the host range is not [START:END]") }
        let step = parts.count == 3 ? Int(parts[2]) : 1
        guard let step, step > 0 else { throw BadRange(message: "the host range's step is not a whole number above 0") }
        var items: [String] = []
        if let low = Int(parts[0]), let high = Int(parts[1]) {
            guard low <= high, high - low < 100_000 else { throw BadRange(message: "the host range runs backwards or is too long") }
            let width = parts[0].hasPrefix("0") ? parts[0].count : 0
            items = stride(from: low, through: high, by: step).map { number in
                let digits = String(number)
                return String(repeating: "0", count: max(0, width - digits.count)) + digits
            }
        } else if let low = parts[0].unicodeScalars.first, let high = parts[1].unicodeScalars.first,
                  parts[0].count == 1, parts[1].count == 1, low.properties.isAlphabetic, high.properties.isAlphabetic, low.value <= high.value {
            items = stride(from: low.value, through: high.value, by: step).compactMap { Unicode.Scalar($0).map { String(Character($0)) } }
        } else {
            throw BadRange(message: "the host range is neither numbers like [01:50] nor letters like [a:f]")
        }
        var expanded: [String] = []
        for item in items { expanded += try expand(head + item + tail, budget: &budget) }
        return expanded
    }
}
