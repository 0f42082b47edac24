import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookHost

/// One problem, as the `errors` and `check` documents list it: the text output's
/// `PLACE: error: MESSAGE (HINT)` cut into its parts.
package struct DiagnosticDocument: Encodable {
    /// `FILE:LINE:COL` in the runbook, or where else the input came from: a flag (`--var port=…`),
    /// a state file, or `runbook` itself.
    package var location: String
    package var message: String
    /// What to do about it; absent when there is nothing to add to the message.
    package var hint: String?

    package init(_ diagnostic: Diagnostic) {
        location = diagnostic.place
        message = diagnostic.message
        hint = diagnostic.hint
    }
}
