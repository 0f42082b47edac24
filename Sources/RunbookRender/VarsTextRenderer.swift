import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookHost

/// Renders `runbook vars` for people: each variable with its value (secrets masked) and where it
/// comes from, then its description and what it may be.
///
/// ```
/// Variables of Runbook on /, values kept in /var/lib/runbook/variables
///
///   domain  api.example.com  (kept from apply 3)
///       The DNS name clients use (lower case); it is the certificate's subject
///       matches [a-z0-9][a-z0-9-]*(\.[a-z0-9][a-z0-9-]*)+; its default is an example, which a live apply refuses
/// ```
package struct VarsTextRenderer {
    package var style: TextStyle

    package init(style: TextStyle) { self.style = style }

    package func render(_ listing: VariableListing) -> String {
        var out = ""
        for (name, kept) in listing.forgotten.sorted(by: { $0.key < $1.key }) {
            // The value is not repeated: it may have become a secret since it was kept.
            out += "Forgot \(name) (\(kept.source.description)).\n"
        }
        out += style.bold("Variables of \(listing.runbook) on \(listing.target)") + style.dim(", values kept in \(listing.keptFile)") + "\n"
        let width = listing.entries.map(\.declaration.name.count).max() ?? 0
        for entry in listing.entries {
            let declaration = entry.declaration
            let name = declaration.name + String(repeating: " ", count: width - declaration.name.count)
            if let variable = entry.inEffect {
                let value = variable.value.map { $0.isEmpty ? "\"\"" : $0 } ?? Redactor.mask
                out += "\n  \(name)  \(value)" + style.dim("  (\(variable.source.description))") + "\n"
            } else {
                out += "\n  \(name)  " + style.yellow("no value") + style.dim("  (give it with --var \(declaration.name)=VALUE or in a vars file)") + "\n"
            }
            out += "      \(declaration.about)\n"
            let allows = allowed(declaration)
            if !allows.isEmpty { out += style.dim("      \(allows.joined(separator: "; "))") + "\n" }
            if entry.inEffect?.applyRefuses == true {
                out += style.yellow("      still the example: a live apply refuses it; give this server's own") + "\n"
            }
        }
        return out
    }

    /// What the declaration lets the value be, in words.
    private func allowed(_ declaration: VariableDeclaration) -> [String] {
        var words: [String] = []
        if declaration.isRequired { words.append("required") }
        if declaration.isSecret { words.append("secret") }
        if let values = declaration.allowedValues { words.append("one of \(values.joined(separator: ", "))") }
        if declaration.type == .integer { words.append("a whole number") }
        if let pattern = declaration.pattern { words.append("matches \(pattern)") }
        if declaration.defaultIsExample { words.append("its default is an example, which a live apply refuses") }
        return words
    }
}
