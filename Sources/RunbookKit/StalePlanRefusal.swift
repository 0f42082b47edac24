import RunbookRender
import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookMarkdown
import RunbookHost

/// `apply FILE` refused: the saved plan no longer describes what apply would do, or was applied
/// already. Exit 3 (``ExitCode/stalePlan``); nothing was changed.
package struct StalePlanRefusal: Error {
    package var file: String
    package var items: [String]
    package var hint: String

    package func report(to console: Console, json: Bool) {
        if json { try? console.json(StalePlanDocument(file: file, stale: items, hint: hint)) }
        for item in items { console.error("stale: \(item)") }
        console.error("\(file): the saved plan was not applied; nothing was changed. \(hint)")
    }
}
