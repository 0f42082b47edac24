/// The kinds of step a code block can be, recognised by a marker word in its info string.
///
/// ```` ```sh package=nginx ```` is a `.package` step; ```` ```http check ```` an `.httpCheck`.
public enum StepKind: String, Sendable, Codable, CaseIterable {
    case file, link, absent, package, run, handler, check, httpCheck = "http-check", vars

    /// The word that marks the kind, and whether it takes a value (`file=PATH`) or is a flag (`run`).
    var marker: (word: String, takesValue: Bool) {
        switch self {
        case .file: ("file", true)
        case .link: ("link", true)
        case .absent: ("absent", true)
        case .package: ("package", true)
        case .run: ("run", false)
        case .handler: ("handler", true)
        case .check, .httpCheck: ("check", false)
        case .vars: ("vars", false)
        }
    }

    static let markerWords: Set<String> = ["file", "link", "absent", "package", "run", "handler", "check", "vars"]

    /// The attributes each kind accepts besides its marker. Flags are listed too.
    var attributes: Set<String> { Self.attributesByKind[self]! }

    private static let attributesByKind = Dictionary(uniqueKeysWithValues: allCases.map { ($0, $0.declaredAttributes) })

    private var declaredAttributes: Set<String> {
        let common: Set<String> = ["id", "when"]
        switch self {
        case .file: return common.union(["mode", "owner", "group", "notify", "validate", "timeout"])
        case .link: return common.union(["to", "notify"])
        case .absent: return common.union(["notify"])
        case .package: return common.union(["notify"])
        case .run: return common.union(["creates", "unless", "onlyif", "always", "notify", "timeout", "makes"])
        case .handler: return common.union(["when", "timeout"])
        case .check: return common.union(["retries", "delay", "timeout"])
        case .httpCheck: return common.union(["retries", "delay", "expect", "contains", "resolve", "cacert"])
        case .vars: return []
        }
    }

    static let flags: Set<String> = ["run", "check", "vars", "always"]

    /// Every attribute any kind takes: a block with one of these and no marker meant to be a step.
    static let anyStepAttribute: Set<String> = StepKind.allCases.reduce(into: Set<String>()) { $0.formUnion($1.attributes) }

    public var displayName: String { self == .httpCheck ? "http check" : rawValue }

    /// The step words a word is compared with when it may be a typo: a bare word with the flags,
    /// the key of a `key=value` word with the words that take a value.
    private static let valueWords = markerWords.union(anyStepAttribute).subtracting(flags)

    /// The step word `word` was most likely meant to be, when it is close to one but not it:
    /// the same word in other letter case, or, for a step word of four or more letters, one slip
    /// away (a letter added, left out or changed, or two neighbouring letters swapped). Two- and
    /// three-letter step words (`id`, `to`, `run`) only match in other letter case: too many
    /// ordinary words (`is`, `do`, `fun`) are one letter away from them.
    static func stepWord(closeTo word: String, takesValue: Bool) -> String? {
        let lowered = word.lowercased()
        let candidates = takesValue ? valueWords : flags
        if word != lowered, candidates.contains(lowered) { return lowered }
        return candidates.filter { $0.count >= 4 && $0 != word && isOneSlip(lowered, from: $0) }.sorted().first
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
