import FoundationEssentials
import Glibc
import RunbookModel
import RunbookHost

/// A step block with its variables: reads attributes and the body with `{{...}}` filled in,
/// and turns bad values into diagnostics at the attribute's own column.
package struct StepSource {
    package var block: StepBlock
    package var variables: ResolvedVariables

    package func string(_ key: String) throws -> String? {
        guard let word = block.word(key), let value = word.value else { return nil }
        return try Template.render(value, with: variables, at: word.valueLocation, sameLine: true)
    }

    package func location(_ key: String) -> SourceLocation { block.word(key)?.location ?? block.location }

    /// Paths and link targets are recorded in snapshot manifests and listed by `snapshots`, which
    /// runs without the runbook: a secret has no place in them.
    package func refuseSecret(in key: String) throws {
        guard let word = block.word(key), let value = word.value else { return }
        for placeholder in Template.placeholders(in: value) where variables.declarations[placeholder.name]?.isSecret == true {
            throw Diagnostic("\(key)= uses the secret '\(placeholder.name)', but paths and link targets are recorded in snapshots and shown",
                             at: word.valueLocation, hint: "keep secrets in a file's content, never in its name")
        }
        // Through another variable (`p default="/srv/{{key}}"`, then `file={{p}}`): the value holds it all the same.
        guard let rendered = try? string(key) else { return }
        for declaration in variables.declarations.values.sorted(by: { $0.name < $1.name }) where declaration.isSecret {
            guard let secret = variables.values[declaration.name], !secret.isEmpty, rendered.contains(secret) else { continue }
            throw Diagnostic("\(key)= holds the value of the secret '\(declaration.name)' through another variable, but paths and link targets are recorded in snapshots and shown",
                             at: word.valueLocation, hint: "keep secrets in a file's content, never in its name")
        }
    }

    /// An absolute path without `..`, the way every step names what it manages.
    package func path(_ key: String) throws -> String? {
        try refuseSecret(in: key)
        return try string(key).map { try checkedPath($0, key: key) }
    }

    /// A comma-separated list of paths, each as ``path(_:)`` takes it.
    package func paths(_ key: String) throws -> [String] {
        try refuseSecret(in: key)
        return try list(key).map { try checkedPath($0, key: key) }
    }

    private func checkedPath(_ value: String, key: String) throws -> String {
        guard value.hasPrefix("/") else {
            throw Diagnostic("\(key)= must be an absolute path, not '\(value)'", at: location(key), hint: "start it with /")
        }
        let components = value.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)
        if components.contains(where: { $0.elementsEqual("..".utf8) || $0.elementsEqual(".".utf8) }) {
            throw Diagnostic("\(key)= must not contain '.' or '..' components", at: location(key), hint: "write the path plainly")
        }
        if value.utf8.count > 1, value.hasSuffix("/") {
            throw Diagnostic("\(key)= must not end with '/'", at: location(key), hint: "name the file itself")
        }
        return value
    }

    package func integer(_ key: String, default fallback: Int, range: ClosedRange<Int>) throws -> Int {
        guard let text = try string(key) else { return fallback }
        guard let value = Int(text), range.contains(value) else {
            throw Diagnostic("\(key)= takes a whole number from \(range.lowerBound) to \(range.upperBound)",
                             at: location(key), hint: "for example \(key)=\(fallback)")
        }
        return value
    }

    /// `timeout=SECONDS` for the step's commands.
    package func timeout(default fallback: Int = ShellCommand.defaultTimeout) throws -> Int {
        try integer("timeout", default: fallback, range: 1...86400)
    }

    package func seconds(_ key: String, default fallback: Double) throws -> Double {
        guard let text = try string(key) else { return fallback }
        guard let value = Double(text.hasSuffix("s") ? String(text.dropLast()) : text), value >= 0, value <= 3600 else {
            throw Diagnostic("\(key)= takes seconds, like \(key)=2 or \(key)=0.5", at: location(key), hint: "from 0 to 3600")
        }
        return value
    }

    package func list(_ key: String) throws -> [String] {
        guard let text = try string(key) else { return [] }
        let items = text.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmingBlanks() }
        if items.isEmpty || items.contains("") {
            throw Diagnostic("\(key)= takes a comma-separated list without empty items", at: location(key),
                             hint: "for example \(key)=a,b")
        }
        return items
    }

    package func body() throws -> String {
        try Template.render(block.body, with: variables, at: block.bodyLocation, lineColumns: block.bodyColumns)
    }

    /// The shell a script runs with, from the block's language word.
    package var shell: String { block.language == "bash" ? "/bin/bash" : "/bin/sh" }

    package func info(_ summary: String) -> StepInfo { StepInfo(block: block, summary: summary) }
}
