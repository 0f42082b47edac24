import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookHost

/// `kind: "errors"`: what any command prints with --json when it fails before it has its own
/// document to print, so that a script reads why from stdout as a person reads it on stderr.
/// Versioned by the rules of docs/JSON.md.
package struct ErrorsDocument: Encodable {
    package let formatVersion = "1.0"
    package let kind = "errors"
    package var errors: [DiagnosticDocument]

    package init(_ diagnostics: [Diagnostic]) {
        errors = diagnostics.map(DiagnosticDocument.init)
    }
}
