import RunbookModel
import RunbookHost

/// What every step is known by in plans, prompts and errors.
///
/// `02-nginx/3` "file /etc/nginx/sites-available/inference", under the heading "Write the site",
/// at `Runbook/02-nginx.md:48:1`.
public struct StepInfo: Sendable, Codable, Hashable {
    public var id: String
    public var kind: StepKind
    public var chapter: String
    public var location: SourceLocation
    public var heading: String?
    /// A one-line name for the step, like `file /etc/nginx/sites-available/inference`.
    public var summary: String

    public init(id: String, kind: StepKind, chapter: String, location: SourceLocation, heading: String?, summary: String) {
        self.id = id
        self.kind = kind
        self.chapter = chapter
        self.location = location
        self.heading = heading
        self.summary = summary
    }

    package init(block: StepBlock, summary: String) {
        id = block.id
        kind = block.kind
        chapter = block.chapter
        location = block.location
        heading = block.heading
        self.summary = summary
    }
}
