/// Every variable's value once defaults, files, `--var` and generated secrets are combined.
public struct ResolvedVariables: Sendable {
    public var declarations: [String: VariableDeclaration]
    public var values: [String: String]
    /// Generated secrets that do not exist yet and will be stored by the next apply.
    public var pendingGenerated: [String: String]

    public init(declarations: [String: VariableDeclaration], values: [String: String], pendingGenerated: [String: String] = [:]) {
        self.declarations = declarations
        self.values = values
        self.pendingGenerated = pendingGenerated
    }

    public func value(of name: String, usedAt location: SourceLocation) throws -> String {
        guard let declaration = declarations[name] else {
            throw Diagnostic("unknown variable '\(name)'", at: location,
                             hint: declarations.isEmpty ? "declare it in a vars block"
                                 : suggestion(for: name, among: Set(declarations.keys), what: "declared variables are"))
        }
        guard let value = values[name] else {
            throw Diagnostic("variable '\(name)' has no value", at: location,
                             hint: "give it with --var \(name)=VALUE or in --vars-file, or add a default at \(declaration.location)")
        }
        return value
    }

    /// The values that must never be printed, longest first so that masking one never leaves a part of another.
    public var secretValues: [String] {
        declarations.values.filter(\.isSecret).compactMap { values[$0.name] }.filter { !$0.isEmpty }
            .sorted { $0.count > $1.count }
    }
}
