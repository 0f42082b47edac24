/// `apply FILE` refused: the saved plan no longer describes what apply would do, or was applied
/// already. Exit 3 (``ExitCode/stalePlan``); nothing was changed.
struct StalePlanRefusal: Error {
    var file: String
    var items: [String]
    var hint: String

    func report(to console: Console, json: Bool) {
        if json, let text = try? JSONOutput.text(StalePlanDocument(file: file, stale: items, hint: hint)) { console.line(text) }
        for item in items { console.error("stale: \(item)") }
        console.error("\(file): the saved plan was not applied; nothing was changed. \(hint)")
    }
}
