import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookHost

/// The chapters and steps a plan or an apply is limited to (`--chapter`, `--only`); empty means all.
///
/// `--chapter 03-nginx` selects a chapter by file name, with or without `.md`, or by title;
/// `--only 03-nginx/2` selects one step by id. Both are checked against the runbook first, so a
/// typo is an error, never a plan of nothing.
public struct StepSelection: Sendable {
    public var chapters: Set<String> = []
    public var only: Set<String> = []

    public init(chapters: Set<String> = [], only: Set<String> = []) {
        self.chapters = chapters
        self.only = only
    }

    public func includes(_ chapter: Chapter) -> Bool {
        chapters.isEmpty || chapters.contains(chapter.name) || chapters.contains(chapter.name + ".md")
            || chapters.contains(chapter.title)
    }

    public func includes(stepID: String) -> Bool { only.isEmpty || only.contains(stepID) }

    /// Whether it keeps anything of the chapter to plan: a step, one whose `when=` is false, or a check.
    public func selectsAnything(in chapter: PreparedRunbook.PreparedChapter) -> Bool {
        includes(chapter.chapter) && (chapter.changingSteps.contains { includes(stepID: $0.info.id) }
            || chapter.inactive.contains { includes(stepID: $0.0.id) } || chapter.checks.contains { includes(stepID: $0.info.id) })
    }

    public func selectsAnything(in prepared: PreparedRunbook) -> Bool { prepared.chapters.contains(where: selectsAnything) }

    /// The chapters `--chapter` can name to some effect: those with a step or a check.
    public static func selectableChapters(of prepared: PreparedRunbook) -> [PreparedRunbook.PreparedChapter] {
        prepared.chapters.filter { StepSelection(chapters: [$0.chapter.name]).selectsAnything(in: $0) }
    }

    /// A selection the runbook cannot satisfy: a wrong command line, for the runbook it names.
    public struct Refusal: Error, CustomStringConvertible {
        public let diagnostic: Diagnostic

        public var description: String { diagnostic.description }
    }

    /// Refuses a chapter or a step id the runbook does not have, the id of a handler or a check
    /// (which run only with the steps that make them), and a selection with no step in it.
    public func validate(against prepared: PreparedRunbook) throws {
        let names = prepared.chapters.flatMap { [$0.chapter.name, $0.chapter.name + ".md", $0.chapter.title] }
        let selectable = Self.selectableChapters(of: prepared).map(\.chapter.name)
        for name in chapters.sorted() where !names.contains(name) {
            throw Refusal(diagnostic: Diagnostic("no chapter named '\(name)'", origin: "--chapter \(name)",
                                                 hint: "chapters are \(selectable.joined(separator: ", "))"))
        }
        let steps = prepared.chapters.flatMap(\.steps)
        for id in only.sorted() {
            switch steps.first(where: { $0.info.id == id }) {
            case .changing: continue
            case .handler(let handler):
                let notifiers = prepared.chapters.flatMap(\.changingSteps).filter { $0.notifies.contains(handler.name) }.map(\.info.id)
                throw Refusal(diagnostic: Diagnostic(
                    "'\(id)' is the handler \(handler.name), which fires only when a step that notifies it changes something",
                    origin: "--only \(id)",
                    hint: notifiers.isEmpty ? "no step notifies it" : "select a step that notifies it: --only \(notifiers.joined(separator: ", --only "))"))
            case .check(let check):
                throw Refusal(diagnostic: Diagnostic("'\(id)' is a check, which runs after the steps and handlers of its chapter",
                                                     origin: "--only \(id)",
                                                     hint: "--chapter \(check.info.chapter) runs the chapter with its checks"))
            case nil:
                throw Refusal(diagnostic: Diagnostic("no active step with id '\(id)'", origin: "--only \(id)",
                                                     hint: "`runbook plan` lists the step ids"))
            }
        }
        guard chapters.isEmpty && only.isEmpty || selectsAnything(in: prepared) else {
            let flags = (chapters.sorted().map { "--chapter \($0)" } + only.sorted().map { "--only \($0)" }).joined(separator: " ")
            throw Refusal(diagnostic: Diagnostic("the selection has no step in it, so there would be nothing to plan or apply", origin: flags,
                                                 hint: "a step given with --only must be in a chapter given with --chapter; `runbook plan` lists them"))
        }
    }
}
