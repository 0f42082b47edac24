import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookHost

/// Renders what an apply or rollback does, one line per event, as it happens.
public struct ApplyEventRenderer {
    public var style: TextStyle

    public init(style: TextStyle) { self.style = style }

    public func render(_ event: ApplyEvent) -> String {
        switch event {
        case .notice(let text):
            return style.yellow("note: \(text)")
        case .chapter(let title, let file):
            return "\n" + style.bold(title) + style.dim(" (\(file))")
        case .step(let plan, let applied):
            let symbol = PlanSymbol(plan)
            let line = symbol.styled("  \(symbol.rawValue) \(plan.step.id)", style) + "  \(plan.step.summary)"
            if applied {
                return line + ChangeWords.lines(for: plan).map { "\n      \($0)" }.joined() + plan.notes.map { "\n      " + style.yellow("note: \($0)") }.joined()
            }
            switch plan.outcome {
            case .skipped(let reason): return line + style.dim(": skipped, \(reason)")
            case .unchanged(let reason): return line + style.dim(": \(reason)")
            case .change: return line
            }
        case .stepDeclined(let plan):
            return PlanSymbol.unchanged.styled("  \(PlanSymbol.unchanged.rawValue) \(plan.step.id)", style) + "  \(plan.step.summary): not applied (declined)"
        case .handler(let name, let skipped):
            return style.yellow("  ! handler \(name)") + (skipped.map { style.dim(": skipped, \($0)") } ?? " ran")
        case .check(let info, let skipped, let attempts):
            if let skipped { return "  ? \(info.id)  \(info.summary)" + style.dim(": skipped, \(skipped)") }
            return style.green("  ✓ \(info.id)") + "  \(info.summary)" + (attempts > 1 ? style.dim(" (after \(attempts) attempts)") : "")
        case .restoring(let reason):
            return "\n" + style.red(style.bold("Restoring: \(reason)"))
        case .restored(let path, let state):
            return "  ↺ \(path)" + style.dim(": \(state.summary)")
        case .handlerRerun(let name, let outcome):
            return style.yellow("  ! handler \(name) rerun") + ": \(outcome)"
        }
    }
}
