import RunbookModel
import RunbookHost

/// A path a step manages, and what it wants there.
///
/// `file=/etc/x` wants exactly its content and mode; `absent=/etc/x` wants nothing there, nor
/// under it; `run creates=/etc/x` leaves what is there to its script.
public struct ManagedPath: Sendable, Equatable {
    public enum Claim: Sendable, Equatable {
        /// Exactly this: two steps that manage one path must want the same.
        case exactly(String)
        /// Nothing at the path, and so nothing under it.
        case nothing
        /// Whatever the step's script makes.
        case madeByScript
    }

    public var path: String
    /// The attribute that names it: `file`, `link`, `absent`, `creates` or `makes`.
    public var attribute: String
    public var claim: Claim

    package init(path: String, attribute: String, claim: Claim) {
        self.path = path
        self.attribute = attribute
        self.claim = claim
    }
}
