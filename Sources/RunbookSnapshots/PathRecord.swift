import RunbookHost

/// One path an apply touched: its state before the first change, and after the last.
public struct PathRecord: Sendable, Codable {
    public var path: String
    public var stepID: String
    /// Handlers the step notifies, rerun when the path is restored.
    public var notifies: [String]
    public var before: PathState
    /// nil when the change never finished (an apply killed midway).
    public var after: PathState?
    /// The content holds a secret; its blobs are mode 0600 like every blob, and it is never printed.
    public var sensitive: Bool
}
