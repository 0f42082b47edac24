import FoundationEssentials
import RunbookModel
import RunbookHost

/// The servers `--inventory FILE` names, in one of two formats, told apart by their content.
///
/// runbook's own: one host a line, as `--host` writes it, then its values:
/// ```
/// # the inference servers
/// root@gpu-1.example.com domain=gpu-1.example.com
/// deploy@10.0.0.7:2222  domain=gpu-2.example.com
/// ```
/// Ansible's INI inventory, which many operators already keep: a file with a `[section]` line or
/// an `ansible_` setting is read as one (``AnsibleInventory``).
public struct Inventory: Sendable {
    public enum Format: String, Sendable {
        case hostList = "host list"
        case ansibleINI = "Ansible INI"
    }

    public var file: String
    public var format: Format
    /// In the order the file names them.
    public var hosts: [FleetHost]
    /// Every group and the hosts in it, its children's included (Ansible INI only).
    public var groups: [String: [String]]
    /// Ansible settings runbook has no use for (`ansible_python_interpreter`, say), left to Ansible.
    public var ignoredSettings: [String]

    public init(file: String, format: Format, hosts: [FleetHost], groups: [String: [String]] = [:], ignoredSettings: [String] = []) {
        self.file = file
        self.format = format
        self.hosts = hosts
        self.groups = groups
        self.ignoredSettings = ignoredSettings
    }

    /// Reads FILE; every problem names FILE:LINE and never repeats a value.
    public static func read(_ file: String) throws -> Inventory {
        guard let data = FileManager.default.contents(atPath: file) else {
            throw Diagnostic("cannot read the inventory \(file)", origin: "--inventory \(file)", hint: "check the path and its permissions")
        }
        return try parse(try RunbookLoader.decodeUTF8(data, file: file), file: file)
    }

    public static func parse(_ text: String, file: String) throws -> Inventory {
        let lines = text.lines()
        let isAnsible = lines.contains { line in
            let trimmed = line.trimmingBlanks()
            return trimmed.hasPrefix("[") || trimmed.contains("ansible_")
        }
        let inventory = isAnsible ? try AnsibleInventory.parse(lines, file: file) : try parseHostList(lines, file: file)
        guard !inventory.hosts.isEmpty else {
            throw Diagnostic("the inventory \(file) names no host", origin: "--inventory \(file)",
                             hint: "one host a line, like `root@web-1.example.com domain=web-1.example.com`, or an Ansible INI inventory")
        }
        return inventory
    }

    private static func parseHostList(_ lines: [Substring], file: String) throws -> Inventory {
        var hosts: [FleetHost] = []
        var seen: [String: Int] = [:]
        var problems = DiagnosticCollector()
        for (offset, text) in lines.enumerated() {
            let at = { (column: Int) in SourceLocation(file: file, line: offset + 1, column: column) }
            let line: InventoryLine
            do {
                line = try InventoryLine(text, number: offset + 1, commentStarts: ["#"])
            } catch {
                problems.record(Diagnostic("a quoted value is never closed", at: at(error.column), hint: "end it with the quote it starts with"))
                continue
            }
            guard let first = line.words.first else { continue }
            let target: SSHTarget
            do {
                target = try SSHTarget(parsing: first.text)
            } catch {
                problems.record(Diagnostic(error.message.replacingEvery("--host", with: "the host"), at: at(first.column),
                                           hint: "each line starts with [user@]name[:port], then NAME=VALUE words"))
                continue
            }
            if let earlier = seen[first.text] {
                problems.record(Diagnostic("\(first.text) is named twice", at: at(first.column), hint: "it is first named on line \(earlier)"))
                continue
            }
            seen[first.text] = offset + 1
            let variables = line.settings(file: file, hint: "values follow the host on its line, like domain=web-1.example.com",
                                          problems: &problems).map { VariableInput(name: $0.name, value: $0.value, location: $0.location) }
            hosts.append(FleetHost(name: first.text, target: target, variables: variables))
        }
        try problems.throwIfAny()
        return Inventory(file: file, format: .hostList, hosts: hosts)
    }

    /// The hosts `--limit` selects, in inventory order; all of them without one.
    public func select(_ limit: HostPattern?) throws -> [FleetHost] {
        guard let limit else { return hosts }
        return try limit.select(from: hosts, groups: groups, origin: "--inventory \(file)")
    }
}
