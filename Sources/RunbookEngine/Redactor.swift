import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookHost

/// Masks secret values in anything about to leave the process: plan text and JSON, apply
/// output, command output, errors, and snapshot manifests.
public struct Redactor: Sendable {
    public static let mask = "********"
    private let secrets: [String]

    public init(secrets: [String]) {
        // Longest first, so masking one secret never leaves the tail of a longer one; the JSON-escaped
        // form too, for secrets with quotes or backslashes.
        let forms = secrets.filter { !$0.isEmpty }.flatMap { secret in
            [secret, secret.replacingEvery("\\", with: "\\\\").replacingEvery("\"", with: "\\\"").replacingEvery("/", with: "\\/")]
        }
        self.secrets = Array(Set(forms)).sorted { $0.count > $1.count }
    }

    public static let none = Redactor(secrets: [])

    public func redact(_ text: String) -> String {
        secrets.reduce(text) { $0.replacingEvery($1, with: Self.mask) }
    }
}
