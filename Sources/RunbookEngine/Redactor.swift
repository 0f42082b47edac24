import FoundationEssentials
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

    /// Whether any secret appears in `data`, as it would be written in a file.
    package func appears(in data: Data) -> Bool {
        let text = String(decoding: data, as: UTF8.self)
        return secrets.contains { text.utf8Offset(of: $0) != nil }
    }

    public func redact(_ text: String) -> String {
        secrets.reduce(text) { $0.replacingEvery($1, with: Self.mask) }
    }
}
