/// One problem, as the `errors` and `check` documents list it: the text output's
/// `PLACE: error: MESSAGE (HINT)` cut into its parts.
struct DiagnosticDocument: Encodable {
    /// `FILE:LINE:COL` in the runbook, or where else the input came from: a flag (`--var port=…`),
    /// a state file, or `runbook` itself.
    var location: String
    var message: String
    /// What to do about it; absent when there is nothing to add to the message.
    var hint: String?

    init(_ diagnostic: Diagnostic) {
        location = diagnostic.place
        message = diagnostic.message
        hint = diagnostic.hint
    }
}
