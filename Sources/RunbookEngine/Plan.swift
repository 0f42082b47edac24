import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookHost

/// Everything `runbook plan` found, chapter by chapter: a value that renderers turn into text
/// or JSON, and whose changes the applier carries out.
public struct Plan: Sendable, Codable, Equatable {
    public struct HandlerFiring: Sendable, Codable, Equatable {
        public var handler: StepInfo
        public var name: String
        public var notifiedBy: [String]
        /// The handler's whole script.
        public var script: String
        /// Set when the handler would fire but cannot run here (`--root`).
        public var skipped: String?
    }

    public struct CheckRun: Sendable, Codable, Equatable {
        public var check: StepInfo
        /// The whole script, or the whole request of an http check.
        public var script: String
        public var skipped: String?
    }

    /// A variable's value in effect and where it comes from. A secret's value is never held here.
    public struct VariableInEffect: Sendable, Codable, Equatable {
        public var name: String
        /// nil for a secret.
        public var value: String?
        public var isSecret: Bool
        public var source: VariableSource
        public var about: String
        public var declaredAt: SourceLocation
        /// Still the declaration's example (a reserved name like inference.example.com) on a live host.
        public var isExample: Bool
        /// Still the value the declaration marks as an example (`example=`) on a live host, which
        /// apply refuses. Optional only so that plans saved before it existed still load.
        public var applyRefuses: Bool?
        /// The value kept from an earlier apply that a value given now replaces, where they differ.
        public var replacesKept: ReplacedValue?
    }

    /// A kept value that a value given now replaces: "api.example.com → api2.example.com (given
    /// now; was kept from apply 3)".
    public struct ReplacedValue: Sendable, Codable, Equatable {
        /// nil for a secret.
        public var value: String?
        public var source: VariableSource
    }

    public struct InactiveStep: Sendable, Codable, Equatable {
        public var id: String
        public var kind: StepKind
        public var location: SourceLocation
        public var condition: String
    }

    public struct ChapterPlan: Sendable, Codable, Equatable {
        public var name: String
        public var title: String
        public var file: String
        public var steps: [StepPlan]
        public var inactive: [InactiveStep]
        public var handlers: [HandlerFiring]
        public var checks: [CheckRun]

        public var pendingChanges: Int { steps.filter(\.hasChanges).count }
    }

    public var runbook: String
    public var target: String
    public var chapters: [ChapterPlan]
    /// Every declared variable with a value, in declaration order.
    public var variables: [VariableInEffect]
    /// Secrets that do not exist yet and that apply will generate (names only).
    public var secretsToGenerate: [String]
    /// Messages about the state directory, like an apply that was killed midway.
    public var notices: [String]

    public var pendingChanges: Int { chapters.reduce(0) { $0 + $1.pendingChanges } }
    public var hasChanges: Bool { pendingChanges > 0 }
}
