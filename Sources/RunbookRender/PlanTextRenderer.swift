import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookHost

/// Renders a ``Plan`` for people: chapter by chapter, each step with its mark, details, diff and
/// whole script, then the handlers that would fire and the checks that would run, with theirs.
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
///       | systemctl daemon-reload
///   ? 01-bind-localhost/2  check systemctl show ...: runs after the chapter's changes and handlers
///       | systemctl show ...
/// ```
/// The marks are ``PlanSymbol``s; the plan ends with their legend, and its counts are counts of them.
public struct PlanTextRenderer {
    public var style: TextStyle

    public init(style: TextStyle) { self.style = style }

    public func render(_ plan: Plan) -> String {
        var out = style.bold("Plan for \(plan.runbook) on \(plan.target)") + "\n"
        for notice in plan.notices { out += style.yellow("note: \(notice)") + "\n" }
        for name in plan.secretsToGenerate {
            out += "secret '\(name)' does not exist yet; apply generates it and keeps it in the state directory\n"
        }
        out += variables(plan.variables)
        for chapter in plan.chapters {
            out += "\n" + style.bold(chapter.title) + style.dim(" (\(chapter.file))") + "\n"
            for step in chapter.steps { out += render(step) }
            for inactive in chapter.inactive {
                out += mark(.unchanged, inactive.id) + "  \(inactive.kind.displayName)"
                    + style.dim(": skipped, when=\"\(inactive.condition)\" is false") + "\n"
            }
            for firing in chapter.handlers {
                out += mark(.handler, "handler \(firing.name)") + " would fire (notified by \(firing.notifiedBy.joined(separator: ", ")))"
                if let skipped = firing.skipped {
                    out += style.dim(": skipped, \(skipped)") + "\n"
                } else {
                    out += "\n" + script(firing.script)
                }
            }
            for check in chapter.checks {
                out += mark(.check, check.check.id) + "  \(check.check.summary)"
                if let skipped = check.skipped {
                    out += style.dim(": skipped, \(skipped)") + "\n"
                } else {
                    out += style.dim(": runs after the chapter's changes and handlers") + "\n" + script(check.script)
                }
            }
        }
        out += "\n" + summary(plan) + "\n" + style.dim(PlanSymbol.legend) + "\n"
        return out
    }

    package func render(_ step: StepPlan) -> String {
        let symbol = PlanSymbol(step)
        var out = ""
        switch step.outcome {
        case .change:
            out += mark(symbol, step.step.id) + "  \(step.step.summary)\n"
            out += style.dim("      \(step.step.location)\(step.step.heading.map { ", under \"\($0)\"" } ?? "")") + "\n"
            for line in ChangeWords.lines(for: step) { out += "      \(line)\n" }
            for note in step.notes { out += style.yellow("      note: \(note)") + "\n" }
            if let diff = step.diff {
                for line in diff.lines().dropLast() {
                    out += "      " + style.diffLine(line) + "\n"
                }
            }
            for change in step.planned { out += change.script.map(script) ?? "" }
        case .unchanged(let reason):
            out += mark(symbol, step.step.id) + "  \(step.step.summary)" + style.dim(": \(reason)") + "\n"
            for note in step.notes { out += style.yellow("      note: \(note)") + "\n" }
        case .skipped(let reason):
            out += mark(symbol, step.step.id) + "  \(step.step.summary)" + style.dim(": skipped, \(reason)") + "\n"
            for line in ChangeWords.lines(for: step) { out += style.dim("      \(line)") + "\n" }
            for note in step.notes { out += style.yellow("      note: \(note)") + "\n" }
        }
        return out
    }

    /// The values in effect, secrets masked, each with where it comes from, and the kept value a
    /// given one replaces; then a warning for each value still at its declaration's example.
    private func variables(_ variables: [Plan.VariableInEffect]) -> String {
        guard !variables.isEmpty else { return "" }
        func shown(_ value: String?) -> String { value.map { $0.isEmpty ? "\"\"" : $0 } ?? Redactor.mask }
        let width = variables.map(\.name.count).max() ?? 0
        var out = "\nVariables in effect:\n"
        for variable in variables {
            let padded = variable.name + String(repeating: " ", count: width - variable.name.count)
            if let replaced = variable.replacesKept {
                out += "  \(padded)  \(shown(replaced.value)) → \(shown(variable.value))"
                    + style.dim("  (given now, \(variable.source.description); was \(replaced.source.description))") + "\n"
            } else {
                out += "  \(padded)  \(shown(variable.value))" + style.dim("  (\(variable.source.description))") + "\n"
            }
        }
        for variable in variables where variable.isExample {
            let refusal = variable.applyRefuses == true ? "apply refuses it on this host: " : ""
            out += style.yellow("warning: \(variable.name) is still the example \(variable.value ?? Redactor.mask), the default at \(variable.declaredAt); "
                + "\(refusal)give this server's own with --var \(variable.name)=VALUE or in a vars file") + "\n"
        }
        return out
    }

    private func mark(_ symbol: PlanSymbol, _ label: String) -> String { symbol.styled("  \(symbol.rawValue) \(label)", style) }

    /// A whole script, every line shown: a reviewer can't approve what they can't see.
    private func script(_ text: String) -> String {
        var lines = text.lines()
        if lines.last?.isEmpty == true { lines.removeLast() }
        return lines.map { style.dim("      | ") + $0 + "\n" }.joined()
    }

    package func summary(_ plan: Plan) -> String {
        let counts = PlanCounts(plan)
        let changes = "\(counts.create) to create, \(counts.update) to update, \(counts.delete) to delete, \(counts.run) to run"
        let head = plan.hasChanges ? style.bold("Plan: \(changes)") : style.bold("No changes")
        return "\(head); \(counts.unchanged) unchanged, \(counts.skipped) skipped; \(counts.handlers) handler\(counts.handlers == 1 ? "" : "s") would fire; \(counts.checks) check\(counts.checks == 1 ? "" : "s")."
    }
}
