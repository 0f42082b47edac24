import RunbookModel

/// One server of a fleet: the name it is shown by, where ssh reaches it, the groups it is in,
/// and the values an inventory gives it, weakest first (so that a later one wins, as in a vars
/// file): `all`'s, then its groups' from the outermost in, then its own.
public struct FleetHost: Sendable {
    /// As the inventory or `--host` names it: every line, table row and document uses it.
    public var name: String
    public var target: SSHTarget
    public var groups: [String]
    public var variables: [VariableInput]
    /// `ansible_become` in an inventory: this host's agent runs under `sudo -n`, as with `--become`.
    public var become: Bool

    public init(name: String, target: SSHTarget, groups: [String] = [], variables: [VariableInput] = [], become: Bool = false) {
        self.name = name
        self.target = target
        self.groups = groups
        self.variables = variables
        self.become = become
    }

    /// A `--host` word, shown as it was written.
    public init(flag target: SSHTarget) {
        self.init(name: target.description, target: target)
    }
}
