import FoundationEssentials
import Glibc
import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookHost

/// Renders a ``Plan`` for machines: the same facts as the text, as versioned JSON whose schema is
/// docs/PLAN-JSON.md.
///
/// Every change is data (an action, a path, the state before and after), so a consumer tells a
/// create from an update or a delete without reading English. Consumers ignore keys they don't
/// know; a new major `formatVersion` is a break. File content appears only inside diffs, and
/// secrets are masked by the output's ``Redactor``.
public struct PlanJSONRenderer {
    /// Major.minor, by the rules of docs/JSON.md: 1.1 added `kind`, a run's `made`, a step's
    /// `withheldDiff` and `guardVerdict`; 1.2 a variable's `keptFromApply` source with `keptFrom`,
    /// `replacesKept` and `applyRefuses`.
    public static let formatVersion = "1.2"

    package struct Document: Encodable {
        package var formatVersion: String
        package let kind = "plan"
        package var runbook: String
        package var target: String
        package var pendingChanges: Int
        package var counts: PlanCounts
        package var secretsToGenerate: [String]
        package var notices: [String]
        package var variables: [VariableDocument]
        package var chapters: [ChapterDocument]
    }

    package struct VariableDocument: Encodable {
        package var name: String
        /// Absent for a secret, whose value is never written.
        package var value: String?
        package var secret: Bool
        /// default, commandLine, varsFile, kept or generated.
        package var source: String
        package var sourceLocation: SourceLocation?
        package var about: String
        package var declaredAt: SourceLocation
        package var isExample: Bool
        package var applyRefuses: Bool
        package var keptFrom: KeptFromDocument?
        package var replacesKept: ReplacedDocument?

        package init(_ variable: Plan.VariableInEffect) {
            name = variable.name
            value = variable.value
            secret = variable.isSecret
            source = variable.source.kind
            if case .varsFile(let location) = variable.source { sourceLocation = location }
            keptFrom = KeptFromDocument(variable.source)
            about = variable.about
            declaredAt = variable.declaredAt
            isExample = variable.isExample
            applyRefuses = variable.applyRefuses ?? false
            replacesKept = variable.replacesKept.map { ReplacedDocument(value: $0.value, keptFrom: KeptFromDocument($0.source)) }
        }
    }

    /// Which apply kept a value: its snapshot (absent when it changed nothing) and when.
    package struct KeptFromDocument: Encodable {
        package var snapshot: Int?
        package var keptAt: String

        package init?(_ source: VariableSource) {
            guard case .keptFromApply(let snapshot, let keptAt) = source else { return nil }
            (self.snapshot, self.keptAt) = (snapshot, keptAt)
        }
    }

    /// The kept value a value given now replaces (its value absent for a secret).
    package struct ReplacedDocument: Encodable {
        package var value: String?
        package var keptFrom: KeptFromDocument?
    }

    package struct ChapterDocument: Encodable {
        package var name: String
        package var title: String
        package var file: String
        package var steps: [StepDocument]
        package var inactive: [InactiveDocument]
        package var handlers: [HandlerDocument]
        package var checks: [CheckDocument]
    }

    package struct StepDocument: Encodable {
        package var id: String
        package var kind: String
        package var chapter: String
        package var summary: String
        package var location: SourceLocation
        package var heading: String?
        package var outcome: String
        package var symbol: String
        package var reason: String?
        package var changes: [ChangeDocument]
        package var details: [String]
        package var notes: [String]
        package var diff: String?
        package var withheldDiff: WithheldDiff?
        package var guardVerdict: VerdictDocument?
        package var notifies: [String]
        package var validation: String?
    }

    /// Why a run's script runs: `{"kind": "exited", "guard": "unless", "command": "…", "status": 1}`.
    package struct VerdictDocument: Encodable {
        package var kind: String
        package var path: String?
        package var `guard`: String?
        package var command: String?
        package var status: Int32?

        package init(_ verdict: GuardVerdict) {
            switch verdict {
            case .always: kind = "always"
            case .missing(let path):
                kind = "missing"
                self.path = path
            case .exited(let name, let command, let status):
                (kind, self.guard, self.command, self.status) = ("exited", name, command, status)
            case .notEvaluated(let name, let command):
                (kind, self.guard, self.command) = ("notEvaluated", name, command)
            case .notYetInstalled(let name, let command):
                (kind, self.guard, self.command) = ("notYetInstalled", name, command)
            }
        }
    }

    package struct ChangeDocument: Encodable {
        package var action: String
        package var path: String?
        package var packages: [String]?
        package var script: String?
        package var made: [String]?
        package var before: PathStateDocument?
        package var after: PathStateDocument?
    }

    package struct InactiveDocument: Encodable {
        package var id: String
        package var kind: String
        package var location: SourceLocation
        package var when: String
    }

    package struct HandlerDocument: Encodable {
        package var name: String
        package var location: SourceLocation
        package var notifiedBy: [String]
        package var script: String
        package var skipped: String?
    }

    package struct CheckDocument: Encodable {
        package var id: String
        package var summary: String
        package var location: SourceLocation
        package var script: String
        package var skipped: String?
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

    package static func document(_ step: StepPlan) -> StepDocument {
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
                               script: $0.script, made: $0.made.isEmpty ? nil : $0.made,
                               before: $0.before.map { PathStateDocument($0) }, after: $0.after.map { PathStateDocument($0) })
            },
            details: ChangeWords.lines(for: step), notes: step.notes, diff: step.diff, withheldDiff: step.withheldDiff,
            guardVerdict: step.verdict.map(VerdictDocument.init), notifies: step.notifies,
            validation: step.validation?.script)
    }
}
