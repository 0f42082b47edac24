import FoundationEssentials
import Glibc
import RunbookMarkdown
import RunbookHost

/// A value given for a variable, and where it was given, for messages.
public struct VariableInput: Sendable, Codable {
    public var name: String
    public var value: String
    /// A file location (`prod.vars:3:1`) or nil for `--var`.
    public var location: SourceLocation?

    public init(name: String, value: String, location: SourceLocation?) {
        self.name = name
        self.value = value
        self.location = location
    }

    package var origin: String { location?.description ?? "--var \(name)" }

    package func diagnostic(_ message: String, hint: String?) -> Diagnostic {
        if let location { return Diagnostic(message, at: location, hint: hint) }
        return Diagnostic(message, origin: origin, hint: hint)
    }

    /// `--var domain=inference.example.com`.
    public static func parseArgument(_ argument: String) throws -> VariableInput {
        guard let equals = argument.firstIndex(of: "="), equals != argument.startIndex else {
            throw Diagnostic("expected NAME=VALUE", origin: "--var \(argument)",
                             hint: "for example --var domain=inference.example.com")
        }
        return VariableInput(name: String(argument[..<equals]), value: String(argument[argument.index(after: equals)...]),
                             location: nil)
    }

    /// A vars file: `name=value` lines, `#` comments, values optionally in double or single quotes.
    public static func parseFile(_ text: String, file: String) throws -> [VariableInput] {
        var inputs: [VariableInput] = []
        var collector = DiagnosticCollector()
        for (offset, rawLine) in text.lines().enumerated() {
            let line = rawLine.hasSuffix("\r") ? rawLine.dropLast() : rawLine
            let trimmed = line.trimmingBlanks()
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let indent = line.prefix { $0 == " " || $0 == "\t" }.count
            let location = SourceLocation(file: file, line: offset + 1, column: indent + 1)
            guard let equals = trimmed.firstIndex(of: "="), equals != trimmed.startIndex else {
                collector.record(Diagnostic("expected NAME=VALUE", at: location, hint: "one variable per line, like domain=example.com"))
                continue
            }
            let name = trimmed[..<equals].trimmingBlanks()
            var value = trimmed[trimmed.index(after: equals)...].trimmingBlanks()
            if value.count >= 2, let first = value.first, first == "\"" || first == "'" {
                guard value.last == first else {
                    collector.record(Diagnostic("the quoted value of '\(name)' is never closed", at: location,
                                                hint: "end it with \(first)"))
                    continue
                }
                value = String(value.dropFirst().dropLast())
            } else if value.first == "\"" || value.first == "'" {
                collector.record(Diagnostic("the quoted value of '\(name)' is never closed", at: location, hint: "end it with \(value)"))
                continue
            }
            inputs.append(VariableInput(name: name, value: value, location: location))
        }
        try collector.throwIfAny()
        return inputs
    }
}
