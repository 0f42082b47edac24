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
        let refused = plan.changes.filter { !capabilities.isSuperset(of: $0.needs) }
        guard !refused.isEmpty else { return plan }
        var reasons: [String] = []
        for change in refused where !reasons.contains(Self.reason(for: change)) { reasons.append(Self.reason(for: change)) }
        var admitted = plan
        admitted.changes.removeAll { !capabilities.isSuperset(of: $0.needs) }
        if admitted.changes.isEmpty {
            admitted.outcome = .skipped(reasons.joined(separator: "; "))
            admitted.validation = nil
        } else {
            admitted.notes += reasons
        }
        return admitted
    }

    /// Why a handler, a check or a `validate=` command is skipped here; nil when it runs.
    package func skipReason(for command: CommandRole) -> String? {
        capabilities.contains(.processes) ? nil : "--root: \(command.rawValue) do not run"
    }

    package enum CommandRole: String {
        case handlers, checks, validations
    }

    /// A value still at the declaration's example is worth a warning on a real server; in a
    /// sandbox the example is the point.
    package var warnsAboutExampleValues: Bool { capabilities.contains(.processes) }

    private static func reason(for change: Change) -> String {
        switch change {
        case .installPackages: "--root: packages are not installed"
        case .setOwner: "--root: owner and group are not set"
        default: "--root: commands do not run"
        }
    }
}
