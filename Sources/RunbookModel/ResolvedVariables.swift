import RunbookMarkdown
import RunbookHost

/// Every variable's value once defaults, files, `--var` and generated secrets are combined.
public struct ResolvedVariables: Sendable {
    public let declarations: [String: VariableDeclaration]
    public let values: [String: String]
    /// Generated secrets that do not exist yet and will be stored by the next apply.
    public let pendingGenerated: [String: String]
    /// The values that must never be printed, longest first so that masking one never leaves a part of another.
    public let secretValues: [String]
    /// Where each value comes from.
    public let sources: [String: VariableSource]
    /// The kept values that a value given now replaces, where it differs: the plan says so.
    public let replacedKept: [String: KeptVariable]

    public init(declarations: [String: VariableDeclaration], values: [String: String], pendingGenerated: [String: String] = [:],
                sources: [String: VariableSource] = [:], replacedKept: [String: KeptVariable] = [:]) {
        self.declarations = declarations
        self.values = values
        self.pendingGenerated = pendingGenerated
        self.sources = sources
        self.replacedKept = replacedKept
        secretValues = declarations.values.filter(\.isSecret).compactMap { values[$0.name] }.filter { !$0.isEmpty }
            .sorted { $0.count > $1.count }
    }

    /// Every declaration, in the order of the runbook: by file, line and column.
    public var declarationsInOrder: [VariableDeclaration] {
        declarations.values.sorted {
            ($0.location.file, $0.location.line, $0.location.column) < ($1.location.file, $1.location.line, $1.location.column)
        }
    }

    /// The values given now, with `--var` or a vars file: what a successful apply keeps.
    public var givenNow: [String: String] {
        values.filter { sources[$0.key]?.isGivenNow == true }
    }

    public func value(of name: String, usedAt location: @autoclosure () -> SourceLocation) throws -> String {
        guard let declaration = declarations[name] else {
            throw Diagnostic("unknown variable '\(name)'", at: location(),
                             hint: declarations.isEmpty ? "declare it in a vars block"
                                 : suggestion(for: name, among: Set(declarations.keys), what: "declared variables are"))
        }
        guard let value = values[name] else {
            throw Diagnostic("variable '\(name)' has no value", at: location(),
                             hint: "give it with --var \(name)=VALUE or in --vars-file, or add a default at \(declaration.location)")
        }
        return value
    }
}
