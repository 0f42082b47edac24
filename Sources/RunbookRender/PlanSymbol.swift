import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookHost

/// The mark in front of each line of a plan and of an apply's report. Every line has exactly one,
/// each mark means one thing, and the plan ends with the legend.
public enum PlanSymbol: String, Sendable, CaseIterable {
    case create = "+"
    case update = "~"
    case delete = "-"
    case run = ">"
    case handler = "!"
    case check = "?"
    case unchanged = "·"

    /// A step's mark, from its planned changes: a run shows as a run, a step that only removes as
    /// a delete, one that only makes what was absent (or installs) as a create, anything else as
    /// an update; nothing to do, or skipped, as `·`.
    public init(_ step: StepPlan) {
        guard step.hasChanges else {
            self = .unchanged
            return
        }
        let actions = Set(step.planned.map(\.action))
        if actions.contains(.run) {
            self = .run
        } else if !actions.isEmpty, actions == [.delete] {
            self = .delete
        } else if !step.planned.isEmpty, step.planned.allSatisfy({ $0.action == .create || $0.action == .install || ($0.action == .link && $0.before?.kind == .absent) }) {
            self = .create
        } else {
            self = .update
        }
    }

    public var meaning: String {
        switch self {
        case .create: "create"
        case .update: "update"
        case .delete: "delete"
        case .run: "run a script"
        case .handler: "handler fires"
        case .check: "check runs"
        case .unchanged: "unchanged or skipped"
        }
    }

    public static var legend: String {
        "Legend: " + allCases.map { "\($0.rawValue) \($0.meaning)" }.joined(separator: ", ") + "."
    }

    package func styled(_ text: String, _ style: TextStyle) -> String {
        switch self {
        case .create: style.green(text)
        case .update, .handler: style.yellow(text)
        case .delete: style.red(text)
        case .run, .check: style.cyan(text)
        case .unchanged: style.dim(text)
        }
    }
}
