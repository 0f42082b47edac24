import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookHost

extension Plan.HandlerFiring {
    /// The handlers that `steps` notify, in runbook order, each once, with the steps that notified
    /// it. A step notifies only when it has changes. The plan lists these, and the applier runs
    /// exactly these for the steps it carried out: one rule for both.
    package static func firings(of handlers: [HandlerStep], for steps: [StepPlan], policy: TargetPolicy) -> [Plan.HandlerFiring] {
        handlers.compactMap { handler in
            let notifiers = steps.filter { $0.hasChanges && $0.notifies.contains(handler.name) }.map(\.step.id)
            guard !notifiers.isEmpty else { return nil }
            return Plan.HandlerFiring(handler: handler.info, name: handler.name, notifiedBy: notifiers, script: handler.script.script,
                                      skipped: policy.skipReason(for: .handlers))
        }
    }
}
