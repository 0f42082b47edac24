/// `kind: "check"`: what `runbook check --json` found. Versioned by the rules of docs/JSON.md.
struct CheckDocument: Encodable {
    let formatVersion = "1.0"
    let kind = "check"
    var runbook: String
    /// The counts are absent when there are errors: a runbook that does not load has no counts a
    /// script could trust.
    var chapters: Int?
    var steps: Int?
    var variables: Int?
    var errors: [DiagnosticDocument]

    init(runbook: String, prepared: PreparedRunbook) {
        self.runbook = runbook
        chapters = prepared.chapters.count
        steps = prepared.stepCount
        variables = prepared.variables.declarations.count
        errors = []
    }

    init(runbook: String, problems: [Diagnostic]) {
        self.runbook = runbook
        errors = problems.map(DiagnosticDocument.init)
    }
}
