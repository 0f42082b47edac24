import RunbookMarkdown
import RunbookHost

/// A value given to an earlier apply, with `--var` or a vars file, that the state directory
/// keeps: later plans and applies reuse it until a value is given again or it is forgotten
/// (`runbook vars --forget NAME`). Without it, an apply run a month later without the
/// `--var domain=…` of the first would quietly converge the server back to the default.
public struct KeptVariable: Sendable, Codable, Equatable {
    public var value: String
    /// Masked in every output, as a given secret is.
    public var secret: Bool
    /// The snapshot of the apply that kept it; absent when that apply changed nothing, so it
    /// recorded none.
    public var snapshot: Int?
    /// When that apply kept it (ISO 8601, UTC).
    public var keptAt: String

    public init(value: String, secret: Bool, snapshot: Int?, keptAt: String) {
        self.value = value
        self.secret = secret
        self.snapshot = snapshot
        self.keptAt = keptAt
    }

    /// Where a value in effect came from, when it is this one.
    public var source: VariableSource { .keptFromApply(snapshot: snapshot, keptAt: keptAt) }
}

/// The kept values of a state directory, with the file they are in, which a message about one
/// that no longer fits its declaration names.
public struct KeptValues: Sendable {
    public var file: String
    public var values: [String: KeptVariable]

    public init(file: String, values: [String: KeptVariable]) {
        self.file = file
        self.values = values
    }

    public static let none = KeptValues(file: "", values: [:])
}
