import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookHost

/// What was at a path, as every JSON document gives it: the plan's `before` and `after`, a
/// snapshot record's, a rollback's drift. Modes are octal strings as `chmod` takes them (`"0644"`),
/// never the decimal number a mode is in memory.
package struct PathStateDocument: Encodable {
    package var kind: String
    package var mode: String?
    package var uid: UInt32?
    package var gid: UInt32?
    package var sha256: String?
    /// Of a symbolic link.
    package var target: String?

    /// `withholdingHash` for a path that holds a secret: a hash of short or guessable content
    /// gives the content away.
    package init(_ state: PathState, withholdingHash: Bool = false) {
        kind = state.kind.rawValue
        mode = state.kind == .symlink ? nil : state.mode?.octalMode
        uid = state.uid
        gid = state.gid
        sha256 = withholdingHash ? nil : state.sha256
        target = state.linkTarget
    }
}
