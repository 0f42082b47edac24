import RunbookMarkdown
import RunbookHost

/// Names that blocks with errors may have declared, so that their uses are not reported too.
///
/// When `vars` is mistyped as `vras`, its variables are undeclared and every `{{domain}}` would
/// be an "unknown variable": errors that only repeat, less clearly, the one to fix. `check` goes
/// on past errors, so it leaves out whatever uses a name in here instead of reporting it.
public struct UnsureNames: Sendable {
    /// Variables whose declaration, default or given value has an error.
    public var variables: Set<String> = []
    /// Handlers whose block has an error.
    public var handlers: Set<String> = []
    /// A block with errors may have declared any variable (a `vars` block whose body cannot be
    /// read, a fence left open that swallowed the rest of its chapter, a chapter that is no text).
    public var anyVariable = false
    public var anyHandler = false

    public init() {}

    /// Every variable and handler that is not known to be declared.
    public static var anything: UnsureNames {
        var names = UnsureNames()
        names.anyVariable = true
        names.anyHandler = true
        return names
    }

    package func coversVariable(_ name: String, declared: Bool) -> Bool {
        variables.contains(name) || anyVariable && !declared
    }

    package func coversHandler(_ name: String, declared: Bool) -> Bool {
        handlers.contains(name) || anyHandler && !declared
    }

    /// A step or `vars` block that cannot be read as one: the handler it names, or any variable.
    /// With no kind (its info string has errors), whatever its words may have meant.
    package mutating func noteUnreadable(kind: StepKind?, words: [InfoWord], vocabulary: StepVocabulary) {
        switch kind {
        case .handler?: noteHandler(words.first { $0.key == "handler" }?.value)
        case .vars?: anyVariable = true
        case nil:
            noteHandlers(in: words, vocabulary: vocabulary)
            if Self.mayBeVarsBlock(words, vocabulary: vocabulary) { anyVariable = true }
        default: break
        }
    }

    /// The handler a block whose info string has errors names, as far as its words say.
    package mutating func noteHandlers(in looseWords: [InfoWord], vocabulary: StepVocabulary) {
        for word in looseWords where word.value != nil && (word.key == "handler"
            || vocabulary.stepWord(closeTo: word.key, takesValue: true) == "handler") {
            noteHandler(word.value.map { $0.filter { $0 != "\"" && $0 != "'" } })
        }
    }

    private mutating func noteHandler(_ name: String?) {
        if let name, !name.isEmpty { handlers.insert(name) } else { anyHandler = true }
    }

    /// Whether a block whose info string has errors meant to declare variables.
    package static func mayBeVarsBlock(_ looseWords: [InfoWord], vocabulary: StepVocabulary) -> Bool {
        looseWords.contains { $0.value == nil && ($0.key == "vars" || vocabulary.stepWord(closeTo: $0.key, takesValue: false) == "vars") }
    }

    /// A `vars` line with an error hides the variable it starts with, or, without a name, any.
    package mutating func noteUnreadableDeclaration(_ firstWord: InfoWord?) {
        if let firstWord, firstWord.value == nil { variables.insert(firstWord.key) } else { anyVariable = true }
    }

    package mutating func formUnion(_ other: UnsureNames) {
        variables.formUnion(other.variables)
        handlers.formUnion(other.handlers)
        anyVariable = anyVariable || other.anyVariable
        anyHandler = anyHandler || other.anyHandler
    }
}
