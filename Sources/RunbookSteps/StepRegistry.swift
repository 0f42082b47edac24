import RunbookModel
import RunbookHost

/// The step kinds a runbook can use, in one place: the loader's vocabulary, the constructors and
/// the documentation's table all come from this list. Adding a kind is a new step file with its
/// ``StepDefinition``, named here.
public struct StepRegistry: Sendable {
    public let definitions: [StepDefinition]
    public let vocabulary: StepVocabulary

    public static let standard = StepRegistry([
        FileStep.definition, LinkStep.definition, AbsentStep.definition, PackageStep.definition, RunStep.definition,
        HandlerStep.definition, CheckStep.definition, HTTPCheckStep.definition,
    ])

    public init(_ definitions: [StepDefinition]) {
        precondition(Set(definitions.map(\.kind)).count == definitions.count, "two step definitions of one kind")
        self.definitions = definitions
        vocabulary = StepVocabulary(definitions.map(\.description))
    }

    package func definition(of kind: StepKind) -> StepDefinition? { definitions.first { $0.kind == kind } }
}

extension RunbookLoader {
    /// A loader for the standard step kinds.
    public init(displayDirectory: String) {
        self.init(displayDirectory: displayDirectory, vocabulary: StepRegistry.standard.vocabulary)
    }
}
