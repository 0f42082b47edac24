/// What was at a path, as every JSON document gives it: the plan's `before` and `after`, a
/// snapshot record's, a rollback's drift. Modes are octal strings as `chmod` takes them (`"0644"`),
/// never the decimal number a mode is in memory.
struct PathStateDocument: Encodable {
    var kind: String
    var mode: String?
    var uid: UInt32?
    var gid: UInt32?
    var sha256: String?
    /// Of a symbolic link.
    var target: String?

    /// `withholdingHash` for a path that holds a secret: a hash of short or guessable content
    /// gives the content away.
    init(_ state: PathState, withholdingHash: Bool = false) {
        kind = state.kind.rawValue
        mode = state.kind == .symlink ? nil : state.mode?.octalMode
        uid = state.uid
        gid = state.gid
        sha256 = withholdingHash ? nil : state.sha256
        target = state.linkTarget
    }
}
