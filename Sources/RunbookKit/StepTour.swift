import RunbookRender
import RunbookEngine
import RunbookSteps
import RunbookModel

/// `apply --step`: a guided tour of the article. Before each step that would change something it
/// shows the prose the step sits under and the step's plan, then asks; the answer is a key and
/// Enter (see ``StepTourRenderer/help``).
final class StepTour {
    private let console: Console
    private let renderer: StepTourRenderer
    /// Every step block of the runbook, by id: what `s` shows and where the prose comes from.
    private let blocks: [String: StepBlock]
    /// The step whose prose was shown last: a later step under the same heading shows only the
    /// paragraphs that came after it.
    private var lastShown: StepBlock?

    init(console: Console, runbook: Runbook) {
        self.console = console
        renderer = StepTourRenderer(style: console.style, width: console.columns)
        blocks = Dictionary(runbook.steps.map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
    }

    func decide(_ plan: StepPlan) -> StepDecision {
        let block = blocks[plan.step.id]
        console.out(renderer.introduction(plan, prose: block.map(unreadProse) ?? []))
        lastShown = block
        while true {
            guard let answer = console.ask(StepTourRenderer.prompt) else { return .quit }
            let key = answer.trimmingBlanks().lowercased()
            switch key.isEmpty ? StepTourRenderer.defaultKey : key {
            case "y", "yes": return .apply
            case "n", "no": return .skip
            case "a", "all": return .applyAll
            case "q", "quit": return .quit
            case "d", "diff": console.out(PlanTextRenderer(style: console.style).render(plan))
            case "s", "source": console.out(block.map(renderer.source) ?? "The source of \(plan.step.id) is not known.\n")
            case "?", "h", "help": console.line(StepTourRenderer.help)
            default: console.line("'\(Diagnostic.shown(key, quoted: false))' is not a key here. The keys:\n" + StepTourRenderer.help)
            }
        }
    }

    /// The paragraphs above `block` that the tour has not shown yet: under the heading of the step
    /// shown last, what came before that step was shown with it.
    private func unreadProse(_ block: StepBlock) -> [String] {
        guard let last = lastShown, last.chapter == block.chapter, last.heading == block.heading,
              block.prose.starts(with: last.prose) else { return block.prose }
        return Array(block.prose.dropFirst(last.prose.count))
    }
}
