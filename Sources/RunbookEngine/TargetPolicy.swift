import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookHost

/// The one place that decides what becomes of work a target cannot have done. Under `--root`
/// nothing runs and no owner is set: steps, handlers and checks only say what they need (a
/// ``Change``'s ``Change/needs``), and this turns what is missing into "skipped", with why.
package struct TargetPolicy: Sendable {
    package let capabilities: TargetCapabilities

    package init(host: any HostFacts) {
        capabilities = host.capabilities
    }

    /// A step's plan as this target can carry it out: the changes it cannot make are taken out,
    /// and the step is skipped when none is left, or carries a note when some are. `planned`
    /// keeps what the step would do, so a reviewer still sees it.
    package func admit(_ plan: StepPlan) -> StepPlan {
        guard plan.outcome == .change else { return plan }
        var admitted = plan
        if let reason = skipReason(for: .validations), plan.validation != nil {
            // Said, not implied: "validated with `nginx -t`" would be a promise nothing keeps here.
            admitted.validation = nil
            admitted.notes.append(reason)
        }
        let refused = plan.changes.filter { !capabilities.isSuperset(of: $0.needs) }
        guard !refused.isEmpty else { return admitted }
        var reasons: [String] = []
        for change in refused where !reasons.contains(Self.reason(for: change)) { reasons.append(Self.reason(for: change)) }
        admitted.changes.removeAll { !capabilities.isSuperset(of: $0.needs) }
        if admitted.changes.isEmpty {
            admitted.outcome = .skipped(reasons.joined(separator: "; "))
        } else {
            admitted.notes += reasons
        }
        return admitted
    }

    /// Whether a command runs here at all: a guard that is not run leaves its step's verdict open.
    package var runsCommands: Bool { capabilities.contains(.processes) }

    package var setsOwners: Bool { capabilities.contains(.ownership) }

    /// Why a handler, a check or a `validate=` command is skipped here; nil when it runs.
    package func skipReason(for command: CommandRole) -> String? {
        runsCommands ? nil : "--root: \(command.rawValue) do not run"
    }

    package enum CommandRole: String {
        case handlers, checks, validations
    }

    /// A value still at the declaration's example is worth a warning on a real server; in a
    /// sandbox the example is the point.
    package var warnsAboutExampleValues: Bool { runsCommands }

    /// Whether an apply on this target refuses the variable's value: still the one its declaration
    /// marks as an example (`example=`), on a live host. In a sandbox the example keeps working.
    package func refusesExample(of declaration: VariableDeclaration, in variables: ResolvedVariables) -> Bool {
        warnsAboutExampleValues && declaration.defaultIsExample && variables.sources[declaration.name] == .declarationDefault
    }

    /// Why an apply on this target must not run with these values: one refusal per variable still
    /// at its declaration's example, at the declaration.
    package func exampleRefusals(_ variables: ResolvedVariables) -> [Diagnostic] {
        variables.declarations.values.filter { refusesExample(of: $0, in: variables) }
            .sorted { $0.location.description < $1.location.description }
            .map { declaration in
                Diagnostic("'\(declaration.name)' is still its example\(declaration.isSecret ? "" : " " + (variables.values[declaration.name] ?? "")), "
                               + "which a live apply refuses",
                           at: declaration.location,
                           hint: "give this server's own with --var \(declaration.name)=VALUE or in a --vars-file; the apply keeps it for the next. "
                               + "To try the runbook with the example, apply it to a directory with --root DIR")
            }
    }

    private static func reason(for change: Change) -> String {
        switch change {
        case .installPackages: "--root: packages are not installed"
        case .setOwner: "--root: owner and group are not set"
        default: "--root: commands do not run"
        }
    }
}
