import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookHost

/// How many lines of each mark a plan shows, so that the summary line (and the JSON's `counts`)
/// agree with the lines above them. Steps whose `when=` is false count as skipped.
public struct PlanCounts: Sendable, Encodable, Equatable {
    public var create = 0
    public var update = 0
    public var delete = 0
    public var run = 0
    public var unchanged = 0
    public var skipped = 0
    public var handlers = 0
    public var checks = 0

    public init(_ plan: Plan) { self.init(chapters: plan.chapters) }

    public init(chapters: [Plan.ChapterPlan]) {
        for step in chapters.flatMap(\.steps) {
            switch step.outcome {
            case .unchanged: unchanged += 1
            case .skipped: skipped += 1
            case .change:
                switch PlanSymbol(step) {
                case .create: create += 1
                case .delete: delete += 1
                case .run: run += 1
                default: update += 1
                }
            }
        }
        skipped += chapters.flatMap(\.inactive).count
        handlers = chapters.flatMap(\.handlers).count
        checks = chapters.flatMap(\.checks).count
    }
}
