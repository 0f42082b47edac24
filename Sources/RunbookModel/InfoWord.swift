import RunbookMarkdown
import RunbookHost

/// One word of an info string or a `vars` line: a flag (`run`) or an attribute (`mode=0644`).
public struct InfoWord: Sendable, Hashable {
    public var key: String
    /// nil for a flag; the unquoted value for an attribute.
    public var value: String?
    public var location: SourceLocation
    /// Where the value itself starts (after `key=` and an opening quote).
    public var valueLocation: SourceLocation

    public init(key: String, value: String?, location: SourceLocation, valueLocation: SourceLocation? = nil) {
        self.key = key
        self.value = value
        self.location = location
        self.valueLocation = valueLocation ?? location
    }
}
