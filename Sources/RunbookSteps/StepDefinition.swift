import RunbookModel
import RunbookHost

/// One kind of step: how the loader recognises its blocks (``StepDescription``) and how a block
/// becomes the typed step. Each step file declares its own; ``StepRegistry`` lists them.
public struct StepDefinition: Sendable {
    public let description: StepDescription
    package let make: @Sendable (StepSource) throws -> RunbookStep

    public var kind: StepKind { description.kind }

    package init(_ description: StepDescription, make: @escaping @Sendable (StepSource) throws -> RunbookStep) {
        self.description = description
        self.make = make
    }
}
