/// Renders a ``Plan`` for people: chapter by chapter, each step with its verdict, details and diff.
///
/// ```
/// Bind Ollama to localhost (Runbook/01-bind-localhost.md)
///   + 01-bind-localhost/1  file /etc/systemd/system/ollama.service.d/10-bind-localhost.conf
///       Runbook/01-bind-localhost.md:24:1, under "A drop-in of our own"
///       create /etc/systemd/system/ollama.service.d/10-bind-localhost.conf (mode 0644)
///       --- /dev/null
///       +++ /etc/systemd/system/ollama.service.d/10-bind-localhost.conf
///       ...
///   ! handler restart-ollama would fire (notified by 01-bind-localhost/1)
///   ? check 01-bind-localhost/2 runs after the handlers
/// ```
/// Legend: `+` will change, `=` nothing to do, `-` skipped, `!` handler, `?` check.
public struct PlanTextRenderer {
    public var style: TextStyle

    public init(style: TextStyle) { self.style = style }

    public func render(_ plan: Plan) -> String {
        var out = style.bold("Plan for \(plan.runbook) on \(plan.target)") + "\n"
        for notice in plan.notices { out += style.yellow("note: \(notice)") + "\n" }
        for name in plan.secretsToGenerate {
            out += "secret '\(name)' does not exist yet; apply generates it and keeps it in the state directory\n"
        }
        for chapter in plan.chapters {
            out += "\n" + style.bold(chapter.title) + style.dim(" (\(chapter.file))") + "\n"
            for step in chapter.steps { out += render(step) }
            for inactive in chapter.inactive {
                out += "  - \(inactive.id)  \(inactive.kind.displayName)" + style.dim(": skipped, when=\"\(inactive.condition)\" is false") + "\n"
            }
            for firing in chapter.handlers {
                out += style.yellow("  ! handler \(firing.name) would fire") + " (notified by \(firing.notifiedBy.joined(separator: ", ")))"
                out += firing.skipped.map { style.dim(": skipped, \($0)") } ?? ""
                out += "\n"
            }
            for check in chapter.checks {
                out += "  ? \(check.check.id)  \(check.check.summary)"
                out += check.skipped.map { style.dim(": skipped, \($0)") } ?? style.dim(": runs after the chapter's changes and handlers")
                out += "\n"
            }
        }
        out += "\n" + summary(plan) + "\n"
        return out
    }

    func render(_ step: StepPlan) -> String {
        var out = ""
        switch step.outcome {
        case .change:
            out += style.green("  + \(step.step.id)") + "  \(step.step.summary)\n"
            out += style.dim("      \(step.step.location)\(step.step.heading.map { ", under \"\($0)\"" } ?? "")") + "\n"
            for detail in step.details { out += "      \(detail)\n" }
            for note in step.notes { out += style.yellow("      note: \(note)") + "\n" }
            if let diff = step.diff {
                for line in diff.lines().dropLast() {
                    out += "      " + style.diffLine(line) + "\n"
                }
            }
        case .unchanged(let reason):
            out += "  = \(step.step.id)  \(step.step.summary)" + style.dim(": \(reason)") + "\n"
            for note in step.notes { out += style.yellow("      note: \(note)") + "\n" }
        case .skipped(let reason):
            out += "  - \(step.step.id)  \(step.step.summary)" + style.dim(": skipped, \(reason)") + "\n"
            for detail in step.details { out += style.dim("      \(detail)") + "\n" }
        }
        return out
    }

    func summary(_ plan: Plan) -> String {
        let steps = plan.chapters.flatMap(\.steps)
        let unchanged = steps.filter { if case .unchanged = $0.outcome { true } else { false } }.count
        let skipped = steps.filter { if case .skipped = $0.outcome { true } else { false } }.count
        let handlers = plan.chapters.flatMap(\.handlers).count
        let checks = plan.chapters.flatMap(\.checks).count
        let head = plan.hasChanges ? style.bold("Plan: \(plan.pendingChanges) to change") : style.bold("No changes")
        return "\(head), \(unchanged) unchanged, \(skipped) skipped; \(handlers) handler\(handlers == 1 ? "" : "s") would fire; \(checks) check\(checks == 1 ? "" : "s")."
    }
}
