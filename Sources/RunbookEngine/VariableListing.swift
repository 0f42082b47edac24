import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookHost

/// What `runbook vars` lists: every declared variable, in declaration order, with its value in
/// effect on the target (when it has one) and what its declaration allows.
public struct VariableListing: Sendable {
    public struct Entry: Sendable {
        public var declaration: VariableDeclaration
        /// nil when the variable has no value: no default, and none given or kept.
        public var inEffect: Plan.VariableInEffect?
    }

    public var runbook: String
    public var target: String
    /// The state file that keeps the values given to earlier applies.
    public var keptFile: String
    public var entries: [Entry]
    /// The kept values `--forget` dropped, by name.
    public var forgotten: [String: KeptVariable]

    public init(variables: ResolvedVariables, runbook: String, host: any Host, keptFile: String, forgotten: [String: KeptVariable]) {
        let inEffect = Dictionary(Planner.variablesInEffect(variables, on: host).map { ($0.name, $0) }) { first, _ in first }
        entries = variables.declarationsInOrder
            .map { Entry(declaration: $0, inEffect: inEffect[$0.name]) }
        self.runbook = runbook
        target = host.displayName
        self.keptFile = keptFile
        self.forgotten = forgotten
    }
}
