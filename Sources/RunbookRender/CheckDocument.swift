import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookHost

/// `kind: "check"`: what `runbook check --json` found. Versioned by the rules of docs/JSON.md.
package struct CheckDocument: Encodable {
    package let formatVersion = "1.0"
    package let kind = "check"
    package var runbook: String
    /// The counts are absent when there are errors: a runbook that does not load has no counts a
    /// script could trust.
    package var chapters: Int?
    package var steps: Int?
    package var variables: Int?
    package var errors: [DiagnosticDocument]

    package init(runbook: String, prepared: PreparedRunbook) {
        self.runbook = runbook
        chapters = prepared.chapters.count
        steps = prepared.stepCount
        variables = prepared.variables.declarations.count
        errors = []
    }

    package init(runbook: String, problems: [Diagnostic]) {
        self.runbook = runbook
        errors = problems.map(DiagnosticDocument.init)
    }
}
