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

    /// Refuses a chapter or a step id the runbook does not have.
    public func validate(against prepared: PreparedRunbook) throws {
        let names = prepared.chapters.flatMap { [$0.chapter.name, $0.chapter.name + ".md", $0.chapter.title] }
        for name in chapters.sorted() where !names.contains(name) {
            throw Diagnostic("no chapter named '\(name)'", origin: "--chapter \(name)",
                             hint: "chapters are \(prepared.chapters.map(\.chapter.name).joined(separator: ", "))")
        }
        let ids = Set(prepared.chapters.flatMap { $0.steps.map(\.info.id) })
        for id in only.sorted() where !ids.contains(id) {
            throw Diagnostic("no active step with id '\(id)'", origin: "--only \(id)", hint: "`runbook plan` lists the step ids")
        }
    }
}
