import FoundationEssentials
import Glibc
import RunbookModel
import RunbookHost

/// What one step would do, found by observing the system: the plan is data.
///
/// For the site file on a fresh server: outcome `.change`, changes `[.makeDirectory(...), .writeFile(...)]`,
/// a unified diff, and the validation `nginx -t`. A step says no words of its own about its
/// changes: renderers derive them from ``planned``, ``verdict``, ``withheldDiff`` and ``validation``.
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
    /// filled in by the engine when the step has observed. For a skipped step: what it would do
    /// on a target that could.
    public var planned: [PlannedChange] = []
    /// A unified diff for file content.
    public var diff: String?
    /// For a file holding a secret, instead of the diff: how much changes, never what.
    public var withheldDiff: WithheldDiff?
    /// For a `run`: why its script runs.
    public var verdict: GuardVerdict?
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

        package init(path: String, state: PathState) {
            self.path = path
            self.state = state
        }
    }

    package enum CodingKeys: String, CodingKey {
        case step, outcome, planned, diff, withheldDiff, verdict, notes, notifies, validation, observed
    }

    public init(step: StepInfo, outcome: Outcome, changes: [Change] = [], diff: String? = nil, withheldDiff: WithheldDiff? = nil,
                verdict: GuardVerdict? = nil, notes: [String] = [], notifies: [String] = [], validation: ShellCommand? = nil) {
        self.step = step
        self.outcome = outcome
        self.changes = changes
        self.diff = diff
        self.withheldDiff = withheldDiff
        self.verdict = verdict
        self.notes = notes
        self.notifies = notifies
        self.validation = validation
    }

    public var hasChanges: Bool { outcome == .change }
}
