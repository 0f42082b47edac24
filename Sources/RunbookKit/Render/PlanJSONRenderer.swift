import FoundationEssentials
import Glibc

/// Renders a ``Plan`` for machines: the same facts as the text, as versioned JSON whose schema is
/// docs/PLAN-JSON.md.
///
/// Every change is data (an action, a path, the state before and after), so a consumer tells a
/// create from an update or a delete without reading English. Consumers ignore keys they don't
/// know; a new major `formatVersion` is a break. File content appears only inside diffs, and
/// secrets are masked by the output's ``Redactor``.
public struct PlanJSONRenderer {
    /// Major.minor, by the rules of docs/JSON.md: 1.1 added `kind`.
    public static let formatVersion = "1.1"

    struct Document: Encodable {
        var formatVersion: String
        let kind = "plan"
        var runbook: String
        var target: String
        var pendingChanges: Int
        var counts: PlanCounts
        var secretsToGenerate: [String]
        var notices: [String]
        var variables: [VariableDocument]
        var chapters: [ChapterDocument]
    }

    struct VariableDocument: Encodable {
        var name: String
        /// Absent for a secret, whose value is never written.
        var value: String?
        var secret: Bool
        /// default, commandLine, varsFile, kept or generated.
        var source: String
        var sourceLocation: SourceLocation?
        var about: String
        var declaredAt: SourceLocation
        var isExample: Bool

        init(_ variable: Plan.VariableInEffect) {
            name = variable.name
            value = variable.value
            secret = variable.isSecret
            source = variable.source.kind
            if case .varsFile(let location) = variable.source { sourceLocation = location }
            about = variable.about
            declaredAt = variable.declaredAt
            isExample = variable.isExample
        }
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
        var chapter: String
        var summary: String
        var location: SourceLocation
        var heading: String?
        var outcome: String
        var symbol: String
        var reason: String?
        var changes: [ChangeDocument]
        var details: [String]
        var notes: [String]
        var diff: String?
        var notifies: [String]
        var validation: String?
    }

    struct ChangeDocument: Encodable {
        var action: String
        var path: String?
        var packages: [String]?
        var script: String?
        var before: PathStateDocument?
        var after: PathStateDocument?
    }

    struct InactiveDocument: Encodable {
        var id: String
        var kind: String
        var location: SourceLocation
        var when: String
    }

    struct HandlerDocument: Encodable {
        var name: String
        var location: SourceLocation
        var notifiedBy: [String]
        var script: String
        var skipped: String?
    }

    struct CheckDocument: Encodable {
        var id: String
        var summary: String
        var location: SourceLocation
        var script: String
        var skipped: String?
    }

    public init() {}

    public func render(_ plan: Plan) throws -> String {
        let document = Document(
            formatVersion: Self.formatVersion, runbook: plan.runbook, target: plan.target, pendingChanges: plan.pendingChanges,
            counts: PlanCounts(plan),
            secretsToGenerate: plan.secretsToGenerate, notices: plan.notices, variables: plan.variables.map(VariableDocument.init),
            chapters: plan.chapters.map { chapter in
                ChapterDocument(
                    name: chapter.name, title: chapter.title, file: chapter.file,
                    steps: chapter.steps.map(Self.document),
                    inactive: chapter.inactive.map {
                        InactiveDocument(id: $0.id, kind: $0.kind.rawValue, location: $0.location, when: $0.condition)
                    },
                    handlers: chapter.handlers.map {
                        HandlerDocument(name: $0.name, location: $0.handler.location, notifiedBy: $0.notifiedBy, script: $0.script,
                                        skipped: $0.skipped)
                    },
                    checks: chapter.checks.map {
                        CheckDocument(id: $0.check.id, summary: $0.check.summary, location: $0.check.location, script: $0.script,
                                      skipped: $0.skipped)
                    })
            })
        return try JSONOutput.text(document) + "\n"
    }

    static func document(_ step: StepPlan) -> StepDocument {
        let (outcome, reason): (String, String?) = switch step.outcome {
        case .change: ("change", nil)
        case .unchanged(let why): ("unchanged", why)
        case .skipped(let why): ("skipped", why)
        }
        return StepDocument(
            id: step.step.id, kind: step.step.kind.rawValue, chapter: step.step.chapter, summary: step.step.summary,
            location: step.step.location, heading: step.step.heading, outcome: outcome, symbol: PlanSymbol(step).rawValue,
            reason: reason,
            changes: step.planned.map {
                ChangeDocument(action: $0.action.rawValue, path: $0.path, packages: $0.packages.isEmpty ? nil : $0.packages,
                               script: $0.script, before: $0.before.map { PathStateDocument($0) }, after: $0.after.map { PathStateDocument($0) })
            },
            details: step.details, notes: step.notes, diff: step.diff, notifies: step.notifies,
            validation: step.validation?.script)
    }
}
