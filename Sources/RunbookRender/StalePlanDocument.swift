import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookHost

/// `kind: "stalePlan"`: `apply FILE --json` refused the saved plan (exit 3), one item per thing
/// that changed since it was made. Versioned by the rules of docs/JSON.md.
package struct StalePlanDocument: Encodable {
    package let formatVersion = "1.0"
    package let kind = "stalePlan"
    package var file: String
    package var stale: [String]
    package var hint: String

    package init(file: String, stale: [String], hint: String) {
        self.file = file
        self.stale = stale
        self.hint = hint
    }
}
