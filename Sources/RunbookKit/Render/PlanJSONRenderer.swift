import FoundationEssentials
import Glibc

/// Renders a ``Plan`` for machines: the same facts as the text, as stable JSON.
///
/// File content appears only inside diffs; secrets are masked by the output's ``Redactor``.
public struct PlanJSONRenderer {
    struct Document: Encodable {
        var runbook: String
        var target: String
        var pendingChanges: Int
        var secretsToGenerate: [String]
        var notices: [String]
        var chapters: [ChapterDocument]
    }

    struct ChapterDocument: Encodable {
        var name: String
        var title: String
        var file: String
        var steps: [StepDocument]
        var inactive: [InactiveDocument]
        var handlers: [HandlerDocument]
        var checks: [CheckDocument]
    }

    struct StepDocument: Encodable {
        var id: String
        var kind: String
        var summary: String
        var location: String
        var heading: String?
        var outcome: String
        var reason: String?
        var details: [String]
        var notes: [String]
        var diff: String?
        var notifies: [String]
        var validation: String?
    }

    struct InactiveDocument: Encodable {
        var id: String
        var kind: String
        var location: String
        var when: String
    }

    struct HandlerDocument: Encodable {
        var name: String
        var location: String
        var notifiedBy: [String]
        var skipped: String?
    }

    struct CheckDocument: Encodable {
        var id: String
        var summary: String
        var location: String
        var skipped: String?
    }

    public init() {}

    public func render(_ plan: Plan) throws -> String {
        let document = Document(
            runbook: plan.runbook, target: plan.target, pendingChanges: plan.pendingChanges,
            secretsToGenerate: plan.secretsToGenerate, notices: plan.notices,
            chapters: plan.chapters.map { chapter in
                ChapterDocument(
                    name: chapter.name, title: chapter.title, file: chapter.file,
                    steps: chapter.steps.map(Self.document),
                    inactive: chapter.inactive.map {
                        InactiveDocument(id: $0.id, kind: $0.kind.rawValue, location: $0.location.description, when: $0.condition)
                    },
                    handlers: chapter.handlers.map {
                        HandlerDocument(name: $0.name, location: $0.handler.location.description, notifiedBy: $0.notifiedBy,
                                        skipped: $0.skipped)
                    },
                    checks: chapter.checks.map {
                        CheckDocument(id: $0.check.id, summary: $0.check.summary, location: $0.check.location.description,
                                      skipped: $0.skipped)
                    })
            })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(document), as: UTF8.self) + "\n"
    }

    static func document(_ step: StepPlan) -> StepDocument {
        let (outcome, reason): (String, String?) = switch step.outcome {
        case .change: ("change", nil)
        case .unchanged(let why): ("unchanged", why)
        case .skipped(let why): ("skipped", why)
        }
        return StepDocument(
            id: step.step.id, kind: step.step.kind.rawValue, summary: step.step.summary,
            location: step.step.location.description, heading: step.step.heading, outcome: outcome, reason: reason,
            details: step.details, notes: step.notes, diff: step.diff, notifies: step.notifies,
            validation: step.validation?.script)
    }
}
