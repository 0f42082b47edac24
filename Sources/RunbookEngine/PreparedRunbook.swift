import FoundationEssentials
import Glibc
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookHost

/// A runbook with its variables applied and every step typed and cross-checked: what `check`
/// validates and what `plan` and `apply` walk.
///
/// Cross-checks: unique step ids and handler names, notifications of handlers that exist, and no
/// two active steps managing one path differently.
public struct PreparedRunbook: Sendable {
    public struct PreparedChapter: Sendable {
        public var chapter: Chapter
        public var steps: [RunbookStep]
        /// Steps left out because their `when` is false, with the condition.
        public var inactive: [(StepBlock, String)]

        public var changingSteps: [any ChangingStep] {
            steps.compactMap { if case .changing(let step) = $0 { step } else { nil } }
        }
        public var checks: [any VerifyingStep] {
            steps.compactMap { if case .check(let step) = $0 { step } else { nil } }
        }
    }

    public var runbook: Runbook
    public var variables: ResolvedVariables
    public var chapters: [PreparedChapter]
    /// Every active handler, in runbook order.
    public var handlers: [HandlerStep]

    /// Every step, those whose `when` is false included: what `check` counts.
    public var stepCount: Int { chapters.reduce(0) { $0 + $1.steps.count + $1.inactive.count } }

    public static func prepare(_ runbook: Runbook, variables: ResolvedVariables, registry: StepRegistry = .standard) throws -> PreparedRunbook {
        let (prepared, problems) = try prepareAsFarAsPossible(runbook, variables: variables, unsure: runbook.unsure, registry: registry)
        try DiagnosticCollector(problems).throwIfAny()
        return prepared
    }

    /// Prepares every step it can and returns every problem, for `check` to report them all.
    /// A step that uses a name in `unsure` is left out without a word: the error that made the
    /// name unsure is reported where it was declared, and the step would only repeat it.
    public static func prepareAsFarAsPossible(_ runbook: Runbook, variables: ResolvedVariables, unsure: UnsureNames,
                                              registry: StepRegistry = .standard) throws -> (PreparedRunbook, [Diagnostic]) {
        var collector = DiagnosticCollector()
        var chapters: [PreparedChapter] = []
        var handlers: [HandlerStep] = []
        var ids: [String: SourceLocation] = [:]
        var handlerDeclarations: [String: SourceLocation] = [:]
        for chapter in runbook.chapters {
            var prepared = PreparedChapter(chapter: chapter, steps: [], inactive: [])
            for block in chapter.steps {
                if let first = ids[block.id] {
                    collector.record(Diagnostic("step id '\(block.id)' is used twice", at: block.location,
                                                hint: "it is first used at \(first); ids must be unique"))
                }
                ids[block.id] = ids[block.id] ?? block.location
                if block.kind == .handler, let name = block.value("handler") {
                    if let first = handlerDeclarations[name] {
                        collector.record(Diagnostic("handler '\(name)' is declared twice", at: block.location,
                                                    hint: "it is first declared at \(first); handler names are unique in a runbook"))
                    }
                    handlerDeclarations[name] = handlerDeclarations[name] ?? block.location
                }
                guard !usesUnsureVariable(block, variables, unsure),
                      let made = try collector.attempt({ try RunbookStep.make(block, variables: variables, registry: registry) }) else { continue }
                guard let step = made else {
                    prepared.inactive.append((block, RunbookStep.condition(of: block) ?? ""))
                    // Still validated, as far as its variables have values: a typo must not wait for the day the condition holds.
                    if usesOnlySetVariables(block, variables) {
                        _ = try collector.attempt { try RunbookStep.make(block, variables: variables, registry: registry, ignoringWhen: true) }
                    }
                    continue
                }
                if case .handler(let handler) = step { handlers.append(handler) }
                prepared.steps.append(step)
            }
            chapters.append(prepared)
        }
        for chapter in runbook.chapters {
            for block in chapter.steps {
                guard let notify = block.word("notify"), let names = notify.value else { continue }
                for name in names.split(separator: ",").map({ $0.trimmingBlanks() })
                where handlerDeclarations[name] == nil && !unsure.coversHandler(name, declared: false) {
                    collector.record(Diagnostic("notify names an unknown handler '\(name)'", at: notify.location,
                                                hint: handlerDeclarations.isEmpty ? "declare it with a handler=\(name) block"
                                                    : suggestion(for: name, among: Set(handlerDeclarations.keys), what: "handlers are")))
                }
            }
        }
        collector.record(contentsOf: conflicts(in: chapters))
        return (PreparedRunbook(runbook: runbook, variables: variables, chapters: chapters, handlers: handlers), collector.items)
    }

    private static func usesUnsureVariable(_ block: StepBlock, _ variables: ResolvedVariables, _ unsure: UnsureNames) -> Bool {
        var names = ([block.body] + block.words.compactMap(\.value)).flatMap { Template.placeholders(in: $0).map(\.name) }
        if let when = block.word("when"), let condition = try? StepCondition(parsing: when.value ?? "", at: when.location) {
            names.append(condition.variable)
        }
        return names.contains { unsure.coversVariable($0, declared: variables.declarations[$0] != nil) }
    }

    private static func usesOnlySetVariables(_ block: StepBlock, _ variables: ResolvedVariables) -> Bool {
        let texts = [block.body] + block.words.compactMap(\.value)
        return texts.allSatisfy { text in Template.placeholders(in: text).allSatisfy { variables.values[$0.name] != nil } }
    }

    /// Two active steps that manage one path must want the same thing of it.
    private static func conflicts(in chapters: [PreparedChapter]) -> [Diagnostic] {
        let steps = chapters.flatMap(\.changingSteps)
        var wanted: [String: (ManagedPath.Claim, StepInfo)] = [:]
        var found: [Diagnostic] = []
        for step in steps {
            for managed in step.managedPaths where managed.claim != .madeByScript {
                if let (earlier, first) = wanted[managed.path], earlier != managed.claim {
                    found.append(Diagnostic("\(step.info.id) and \(first.id) both manage \(managed.path), differently", at: step.info.location,
                                            hint: "\(first.id) is at \(first.location); keep one, or make them agree"))
                }
                wanted[managed.path] = wanted[managed.path] ?? (managed.claim, step.info)
            }
        }
        // A removal takes everything under its path with it: a step that manages something there
        // would be undone by it, or undo it, on every apply, and the runbook would never converge.
        let removals = steps.flatMap { step in step.managedPaths.filter { $0.claim == .nothing }.map { (step.info, $0.path) } }
        for step in steps {
            for managed in step.managedPaths {
                guard let (removal, removed) = removals.first(where: { managed.path.hasPrefix($0.1 + "/") }) else { continue }
                found.append(Diagnostic("\(removal.id) removes \(removed) with everything in it, but \(step.info.id) manages \(managed.path) inside it",
                                        at: step.info.location,
                                        hint: "\(removal.id) is at \(removal.location); the two would undo each other on every apply"))
            }
        }
        return found
    }
}
