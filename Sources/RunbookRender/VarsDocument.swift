import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookHost

/// `kind: "vars"`: every declared variable, what its declaration allows, and its value in effect
/// on the target as a plan would show it. Versioned by the rules of docs/JSON.md.
package struct VarsDocument: Encodable {
    package let formatVersion = "1.0"
    package let kind = "vars"
    package var runbook: String
    package var target: String
    package var keptFile: String
    package var variables: [Entry]
    /// The names `--forget` dropped.
    package var forgotten: [String]

    package struct Entry: Encodable {
        package var name: String
        package var about: String
        package var secret: Bool
        package var required: Bool
        /// The default is an example, which a live apply refuses.
        package var example: Bool
        package var type: String
        package var allowedValues: [String]?
        package var pattern: String?
        package var declaredAt: SourceLocation
        /// As in a plan (docs/PLAN-JSON.md); absent when the variable has no value.
        package var inEffect: PlanJSONRenderer.VariableDocument?
    }

    package init(_ listing: VariableListing) {
        runbook = listing.runbook
        target = listing.target
        keptFile = listing.keptFile
        forgotten = listing.forgotten.keys.sorted()
        variables = listing.entries.map { entry in
            let declaration = entry.declaration
            return Entry(name: declaration.name, about: declaration.about, secret: declaration.isSecret, required: declaration.isRequired,
                         example: declaration.defaultIsExample, type: declaration.type.rawValue, allowedValues: declaration.allowedValues,
                         pattern: declaration.pattern, declaredAt: declaration.location,
                         inEffect: entry.inEffect.map(PlanJSONRenderer.VariableDocument.init))
        }
    }
}
