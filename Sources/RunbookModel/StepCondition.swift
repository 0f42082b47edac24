import RunbookMarkdown
import RunbookHost

/// A step's `when`: `when="tls=acme"` or `when="tls!=acme"`.
public struct StepCondition: Sendable, Hashable {
    public var variable: String
    public var value: String
    public var isNegated: Bool

    public init(parsing text: String, at location: SourceLocation) throws {
        let negated = text.utf8Offset(of: "!=")
        guard let offset = negated ?? text.utf8Offset(of: "=") else {
            throw Diagnostic("when= takes NAME=VALUE or NAME!=VALUE", at: location, hint: "for example when=\"tls=acme\"")
        }
        let separatorStart = text.utf8.index(text.utf8.startIndex, offsetBy: offset)
        variable = text[..<separatorStart].trimmingBlanks()
        value = text[text.utf8.index(separatorStart, offsetBy: negated == nil ? 1 : 2)...].trimmingBlanks()
        isNegated = negated != nil
        guard VariableDeclaration.isValidName(variable) else {
            throw Diagnostic("when= must start with a variable name", at: location, hint: "for example when=\"tls=acme\"")
        }
    }

    public func holds(in variables: ResolvedVariables, at location: SourceLocation) throws -> Bool {
        let actual = try variables.value(of: variable, usedAt: location)
        return (actual == value) != isNegated
    }

    public var description: String { "\(variable)\(isNegated ? "!=" : "=")\(value)" }
}
