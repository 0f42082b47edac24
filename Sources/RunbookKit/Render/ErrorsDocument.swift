/// `kind: "errors"`: what any command prints with --json when it fails before it has its own
/// document to print, so that a script reads why from stdout as a person reads it on stderr.
/// Versioned by the rules of docs/JSON.md.
struct ErrorsDocument: Encodable {
    let formatVersion = "1.0"
    let kind = "errors"
    var errors: [DiagnosticDocument]

    init(_ diagnostics: [Diagnostic]) {
        errors = diagnostics.map(DiagnosticDocument.init)
    }
}
