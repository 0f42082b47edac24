/// A step's `when`: `when="tls=acme"` or `when="tls!=acme"`.
public struct StepCondition: Sendable, Hashable {
    public var variable: String
    public var value: String
    public var isNegated: Bool

    public init(parsing text: String, at location: SourceLocation) throws {
        let negated = text.firstRange(of: "!=")
        guard let separator = negated ?? text.firstRange(of: "=") else {
            throw Diagnostic("when= takes NAME=VALUE or NAME!=VALUE", at: location, hint: "for example when=\"tls=acme\"")
        }
        variable = text[..<separator.lowerBound].trimmingBlanks()
        value = text[separator.upperBound...].trimmingBlanks()
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
