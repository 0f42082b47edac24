import RunbookMarkdown
import RunbookHost

/// Every word a step's info string can hold, from the descriptions of the step kinds: what the
/// loader recognises a step by, checks its attributes against, and compares a typo with.
public struct StepVocabulary: Sendable {
    /// The kinds in the order they were given, `vars` last.
    public let descriptions: [StepDescription]
    package let markerWords: Set<String>
    /// Every attribute any kind takes: a block with one of these and no marker meant to be a step.
    package let anyStepAttribute: Set<String>
    /// Every word that takes no value: the flag markers and the flag attributes.
    package let flags: Set<String>
    /// The words the key of a `key=value` word is compared with when it may be a typo.
    private let valueWords: Set<String>

    public init(_ descriptions: [StepDescription]) {
        self.descriptions = descriptions.filter { $0.kind != .vars } + [.vars]
        markerWords = Set(self.descriptions.map(\.marker))
        anyStepAttribute = self.descriptions.reduce(into: Set<String>()) { $0.formUnion($1.attributes) }
        flags = self.descriptions.reduce(into: Set<String>()) { found, description in
            found.formUnion(description.flags)
            if !description.markerTakesValue { found.insert(description.marker) }
        }
        valueWords = markerWords.union(anyStepAttribute).subtracting(flags)
    }

    /// "file=PATH, link=PATH, …, check or vars": every marker as it is written.
    package var markerUsages: String {
        var usages: [String] = []
        for description in descriptions where !usages.contains(description.usage) { usages.append(description.usage) }
        return usages.dropLast().joined(separator: ", ") + " or " + usages.last!
    }

    /// The kind `marker` names in a block of `language`: one declared for that language wins.
    package func description(marker: String, language: String) -> StepDescription? {
        let candidates = descriptions.filter { $0.marker == marker }
        // `HTTP check` is an http check: a language word in other letter case still means the language.
        return candidates.first { $0.language == language.lowercased() } ?? candidates.first { $0.language == nil }
    }

    public func description(of kind: StepKind) -> StepDescription? { descriptions.first { $0.kind == kind } }

    /// The kinds that take `word`, as an attribute or as their marker.
    package func owners(of word: String) -> [StepDescription] {
        descriptions.filter { $0.attributes.contains(word) || $0.marker == word }
    }

    /// The step word `word` was most likely meant to be, when it is close to one but not it:
    /// the same word in other letter case, or, for a step word of four or more letters, one slip
    /// away (a letter added, left out or changed, or two neighbouring letters swapped). Two- and
    /// three-letter step words (`id`, `to`, `run`) only match in other letter case: too many
    /// ordinary words (`is`, `do`, `fun`) are one letter away from them.
    package func stepWord(closeTo word: String, takesValue: Bool) -> String? {
        let lowered = word.lowercased()
        let candidates = takesValue ? valueWords : flags
        if word != lowered, candidates.contains(lowered) { return lowered }
        return candidates.filter { $0.count >= 4 && $0 != word && Self.isOneSlip(lowered, from: $0) }.sorted().first
    }

    private static func isOneSlip(_ typed: String, from intended: String) -> Bool {
        if editDistance(typed, intended) == 1 { return true }
        let typed = Array(typed), intended = Array(intended)
        guard typed.count == intended.count else { return false }
        let differing = typed.indices.filter { typed[$0] != intended[$0] }
        guard differing.count == 2, let first = differing.first else { return false }
        return differing[1] == first + 1 && typed[first] == intended[first + 1] && typed[first + 1] == intended[first]
    }
}
