import RunbookMarkdown
import RunbookHost

/// Variables resolved as far as the declarations and given values without errors allow, for
/// `check` to go on and prepare the steps.
///
/// ``VariableResolver`` reports every problem it meets; the variables those problems are about
/// are then left out and resolution is tried again, until it succeeds. Only the problems of the
/// first try are reported: later tries meet the follow-ons of leaving variables out (a default
/// that uses one), which the author fixes by fixing the first. Every variable left out, or
/// without a value because a given value could not be read, is unsure: steps using it are not
/// prepared.
public struct PartialResolution {
    public var variables: ResolvedVariables
    public var problems: [Diagnostic]
    /// `unsure` as given, and every variable left out.
    public var unsure: UnsureNames

    /// `givenIsComplete` is false when some given values could not be read (a vars file with an
    /// error): then a variable without a value may have had one there.
    public init(declarations: [VariableDeclaration], given: [VariableInput], storedSecrets: [String: String],
                kept: KeptValues = .none, unsure: UnsureNames, givenIsComplete: Bool) throws {
        let declared = Set(declarations.map(\.name))
        var unsure = unsure
        func isUnsure(_ name: String) -> Bool { unsure.coversVariable(name, declared: declared.contains(name)) }
        // A value or a default for a variable whose declaration has an error would only repeat it.
        var given = given.filter { !isUnsure($0.name) }
        var declarations = declarations
        while let dependent = declarations.firstIndex(where: { declaration in
            !isUnsure(declaration.name) && Template.placeholders(in: declaration.defaultValue ?? "").contains { isUnsure($0.name) }
        }) {
            unsure.variables.insert(declarations.remove(at: dependent).name)
        }
        var firstProblems: [Diagnostic]?
        var resolved: ResolvedVariables
        while true {
            do {
                resolved = try VariableResolver(declarations: declarations, given: given, storedSecrets: storedSecrets, kept: kept).resolve()
                break
            } catch {
                guard let found = Diagnostics(error)?.items else { throw error }
                firstProblems = firstProblems ?? found
                let lines = Set(found.compactMap { $0.location.map { "\($0.file):\($0.line)" } })
                let origins = Set(found.compactMap(\.origin))
                func isAbout(_ location: SourceLocation?, origin: String) -> Bool {
                    location.map { lines.contains("\($0.file):\($0.line)") } ?? origins.contains(origin)
                }
                let badGiven = given.filter { isAbout($0.location, origin: $0.origin) }
                let badDeclarations = declarations.filter { isAbout($0.location, origin: "") }
                guard !badGiven.isEmpty || !badDeclarations.isEmpty else {
                    // Nothing to leave out that the problems name: no value of this run can be trusted.
                    resolved = ResolvedVariables(declarations: Dictionary(declarations.map { ($0.name, $0) }) { first, _ in first },
                                                  values: [:])
                    unsure.variables.formUnion(declared)
                    break
                }
                given.removeAll { isAbout($0.location, origin: $0.origin) }
                declarations.removeAll { isAbout($0.location, origin: "") }
                unsure.variables.formUnion(badGiven.map(\.name))
                // A duplicate declaration goes; the first one stays and its name is sure.
                unsure.variables.formUnion(badDeclarations.map(\.name).filter { name in !declarations.contains { $0.name == name } })
            }
        }
        if !givenIsComplete {
            unsure.variables.formUnion(declared.filter { resolved.values[$0] == nil })
        }
        variables = resolved
        problems = firstProblems ?? []
        self.unsure = unsure
    }
}
