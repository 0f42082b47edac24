import FoundationEssentials
import Glibc

/// What one step would do, found by observing the system: the plan is data.
///
/// For the site file on a fresh server: outcome `.change`, changes `[.makeDirectory(...), .writeFile(...)]`,
/// a unified diff, and the detail "validated with `nginx -t` before it is kept".
public struct StepPlan: Sendable, Codable, Equatable {
    public enum Outcome: Sendable, Equatable, Codable {
        /// Nothing to do, and why.
        case unchanged(String)
        case change
        /// Not run at all, and why (`--root`, or a `when` that is false).
        case skipped(String)
    }

    public var step: StepInfo
    public var outcome: Outcome
    /// What the applier carries out. Never saved with a plan: a write holds the file's content,
    /// which may hold a secret; `apply PLANFILE` plans again and compares (``PlanStaleness``).
    public var changes: [Change] = []
    /// The changes as data, one per path, with the state observed before and predicted after;
    /// filled in by ``ChangingStep/observe(in:)``.
    public var planned: [PlannedChange] = []
    /// Lines a reviewer reads: `create /etc/x (mode 0644)`, `mode 0644 → 0600`, `install nginx`.
    public var details: [String]
    /// A unified diff for file content.
    public var diff: String?
    /// Where the plan rests on an earlier pending change: "nginx is not installed yet; 02-nginx/1 installs it".
    public var notes: [String]
    public var notifies: [String]
    /// Run with the new file in place; on failure the old file is put back.
    public var validation: ShellCommand?
    /// Each path the step manages, as it was observed (through the changes earlier steps will
    /// make): the preconditions a saved plan is checked against before it is applied.
    public var observed: [ObservedPath] = []

    public struct ObservedPath: Sendable, Codable, Equatable {
        public var path: String
        public var state: PathState
    }

    enum CodingKeys: String, CodingKey {
        case step, outcome, planned, details, diff, notes, notifies, validation, observed
    }

    public init(step: StepInfo, outcome: Outcome, changes: [Change] = [], details: [String] = [], diff: String? = nil,
                notes: [String] = [], notifies: [String] = [], validation: ShellCommand? = nil) {
        self.step = step
        self.outcome = outcome
        self.changes = changes
        self.details = details
        self.diff = diff
        self.notes = notes
        self.notifies = notifies
        self.validation = validation
    }

    public var hasChanges: Bool { outcome == .change }
}
