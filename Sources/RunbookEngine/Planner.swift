import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookHost

/// Builds a ``Plan`` by letting every active step observe the system, read-only.
///
/// Each step sees the system as the steps before it will leave it (``PlanningView``). Handlers
/// are listed as firing when a step that notifies them has changes; checks are listed as runs.
public struct Planner {
    public var prepared: PreparedRunbook
    public var host: any Host
    public var selection: StepSelection
    /// Paths the snapshots recorded as holding a secret (``SnapshotStore/sensitivePaths()``).
    public var sensitivePaths: Set<String>

    public init(prepared: PreparedRunbook, host: any Host, selection: StepSelection = StepSelection(),
                sensitivePaths: Set<String> = []) {
        self.prepared = prepared
        self.host = host
        self.selection = selection
        self.sensitivePaths = sensitivePaths
    }

    public func plan(notices: [String] = []) throws -> Plan {
        let view = PlanningView(host: host, sensitivePaths: sensitivePaths)
        var chapters: [Plan.ChapterPlan] = []
        for chapter in prepared.chapters where selection.selectsAnything(in: chapter) {
            var steps: [StepPlan] = []
            for step in chapter.changingSteps where selection.includes(stepID: step.info.id) {
                let planned = try view.observe(step)
                view.assume(planned)
                steps.append(planned)
            }
            chapters.append(Plan.ChapterPlan(
                name: chapter.chapter.name, title: chapter.chapter.title, file: chapter.chapter.file, steps: steps,
                inactive: chapter.inactive.filter { selection.includes(stepID: $0.0.id) }.map { block, condition in
                    Plan.InactiveStep(id: block.id, kind: block.kind, location: block.location, condition: condition)
                },
                handlers: Plan.HandlerFiring.firings(of: prepared.handlers, for: steps, policy: view.policy),
                checks: chapter.checks.filter { selection.includes(stepID: $0.info.id) }.map {
                    Plan.CheckRun(check: $0.info, script: $0.wholeScript, skipped: view.policy.skipReason(for: .checks))
                }))
        }
        return Plan(runbook: prepared.runbook.directory, target: host.displayName, chapters: chapters, variables: variablesInEffect(),
                    secretsToGenerate: prepared.variables.pendingGenerated.keys.sorted(), notices: notices)
    }

    package func variablesInEffect() -> [Plan.VariableInEffect] {
        Self.variablesInEffect(prepared.variables, on: host)
    }

    /// The variables' values and sources, and the kept values that given ones replace. A default
    /// that is still an example is flagged on a live host; under `--root` (a sandbox) the example
    /// is the point.
    package static func variablesInEffect(_ variables: ResolvedVariables, on host: any HostFacts) -> [Plan.VariableInEffect] {
        let policy = TargetPolicy(host: host)
        return variables.declarationsInOrder
            .compactMap { declaration in
                guard let value = variables.values[declaration.name] else { return nil }
                let source = variables.sources[declaration.name] ?? .declarationDefault
                let refused = policy.refusesExample(of: declaration, in: variables)
                let looksLikeExample = source == .declarationDefault && !declaration.isSecret && ExampleNames.appear(in: value)
                return Plan.VariableInEffect(
                    name: declaration.name, value: declaration.isSecret ? nil : value, isSecret: declaration.isSecret, source: source,
                    about: declaration.about, declaredAt: declaration.location,
                    isExample: refused || policy.warnsAboutExampleValues && looksLikeExample, applyRefuses: refused ? true : nil,
                    replacesKept: variables.replacedKept[declaration.name].map {
                        Plan.ReplacedValue(value: declaration.isSecret ? nil : $0.value, source: $0.source)
                    })
            }
    }
}
