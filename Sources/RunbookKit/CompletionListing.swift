/// The names that only the runbook and its target know, which the completion scripts ask for
/// with `runbook completions --list WHAT`.
public enum CompletionListing: String, CaseIterable, Sendable {
    /// The chapters `--chapter` can select.
    case chapters
    /// The step ids `--only` takes: active steps that change something.
    case steps
    case snapshots
    /// The variables' names, for `--var NAME=`.
    case variables
}
