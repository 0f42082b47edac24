/// What a completion script offers for a flag's value or a positional word.
package enum ValueCompletion: Sendable, Equatable {
    /// A free word: nothing to offer.
    case nothing
    case files
    case directories
    /// One of these fixed words.
    case words([String])
    /// What `runbook completions --list` prints for the runbook and target on the line, each
    /// name followed by `suffix` (`--var` completes `domain=`).
    case listed(CompletionListing, suffix: String = "")
}
