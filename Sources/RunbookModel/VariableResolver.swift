import FoundationEssentials
import Glibc
import RunbookMarkdown
import RunbookHost

/// Combines declarations with given values, defaults and generated secrets, checking each value.
///
/// Precedence: `--var` over `--vars-file` over values kept from an earlier apply over stored
/// generated secrets over defaults. Defaults may use other variables
/// (`default="/etc/ssl/runbook/{{domain}}"`); a cycle is an error.
public struct VariableResolver {
    public var declarations: [VariableDeclaration]
    public var given: [VariableInput]
    /// Generated secrets kept in the state directory from an earlier apply.
    public var storedSecrets: [String: String]
    /// Values given to an earlier apply, kept in the state directory.
    public var kept: KeptValues

    public init(declarations: [VariableDeclaration], given: [VariableInput], storedSecrets: [String: String], kept: KeptValues = .none) {
        self.declarations = declarations
        self.given = given
        self.storedSecrets = storedSecrets
        self.kept = kept
    }

    public func resolve() throws -> ResolvedVariables {
        var collector = DiagnosticCollector()
        var byName: [String: VariableDeclaration] = [:]
        for declaration in declarations {
            if let first = byName[declaration.name] {
                collector.record(Diagnostic("variable '\(declaration.name)' is declared twice", at: declaration.location,
                                            hint: "it is first declared at \(first.location)"))
                continue
            }
            byName[declaration.name] = declaration
        }
        var values: [String: String] = [:]
        var sources: [String: VariableSource] = [:]
        var givenNames: Set<String> = []
        for input in given {
            guard let declaration = byName[input.name] else {
                collector.record(input.diagnostic("unknown variable '\(input.name)'",
                                                  hint: suggestion(for: input.name, among: Set(byName.keys), what: "declared variables are")))
                continue
            }
            if let problem = declaration.problem(with: input.value) {
                let hint = [declaration.hint, "see its declaration at \(declaration.location)"].compactMap { $0 }
                collector.record(input.diagnostic(problem, hint: hint.joined(separator: "; ")))
                continue
            }
            values[input.name] = input.value
            sources[input.name] = input.location.map(VariableSource.varsFile) ?? .commandLine
            givenNames.insert(input.name)
        }
        var replacedKept: [String: KeptVariable] = [:]
        for (name, kept) in kept.values.sorted(by: { $0.key < $1.key }) {
            guard let declaration = byName[name] else { continue }
            if values[name] != nil {
                if values[name] != kept.value { replacedKept[name] = kept }
                continue
            }
            if let problem = declaration.problem(with: kept.value) {
                collector.record(Diagnostic("the value of '\(name)' \(kept.source.description) no longer fits its declaration: \(problem)",
                                            origin: self.kept.file,
                                            hint: "give a new one with --var \(name)=VALUE, or drop it with `runbook vars --forget \(name)`; "
                                                + "see its declaration at \(declaration.location)"))
                continue
            }
            values[name] = kept.value
            sources[name] = kept.source
        }
        for declaration in declarations where declaration.isRequired && values[declaration.name] == nil {
            collector.record(Diagnostic("variable '\(declaration.name)' is required and has no value", at: declaration.location,
                                        hint: "give it with --var \(declaration.name)=VALUE or in a --vars-file; an apply keeps it for the next"))
        }
        var pendingGenerated: [String: String] = [:]
        for declaration in declarations where values[declaration.name] == nil {
            guard let bytes = declaration.generatedBytes, declaration.defaultValue == nil else { continue }
            if let stored = storedSecrets[declaration.name] {
                values[declaration.name] = stored
                sources[declaration.name] = .kept
            } else {
                let fresh = Randomness.hex(bytes: bytes)
                values[declaration.name] = fresh
                sources[declaration.name] = .generated
                pendingGenerated[declaration.name] = fresh
            }
        }
        var resolving: [String] = []
        func resolveDefault(_ declaration: VariableDeclaration) throws {
            guard values[declaration.name] == nil, let template = declaration.defaultValue else { return }
            if let start = resolving.firstIndex(of: declaration.name) {
                let cycle = (resolving[start...] + [declaration.name]).joined(separator: " → ")
                throw Diagnostic("the defaults of these variables refer to each other: \(cycle)", at: declaration.location,
                                 hint: "give one of them a plain default")
            }
            resolving.append(declaration.name)
            defer { resolving.removeLast() }
            for reference in Template.placeholders(in: template) {
                if let referenced = byName[reference.name] { try resolveDefault(referenced) }
            }
            let partial = ResolvedVariables(declarations: byName, values: values)
            let value = try Template.render(template, with: partial, at: declaration.defaultLocation ?? declaration.location,
                                            sameLine: true)
            if let problem = declaration.problem(with: value) {
                throw Diagnostic("the default of \(problem.prefix(1).lowercased() + problem.dropFirst())",
                                 at: declaration.location, hint: "fix the default, or give a value with --var")
            }
            values[declaration.name] = value
            sources[declaration.name] = .declarationDefault
        }
        for declaration in byName.values.sorted(by: { $0.location.description < $1.location.description }) {
            _ = try collector.attempt { try resolveDefault(declaration) }
        }
        try collector.throwIfAny()
        return ResolvedVariables(declarations: byName, values: values, pendingGenerated: pendingGenerated, sources: sources,
                                 replacedKept: replacedKept)
    }
}
