/// One word of an info string or a `vars` line: a flag (`run`) or an attribute (`mode=0644`).
public struct InfoWord: Sendable, Hashable {
    public var key: String
    /// nil for a flag; the unquoted value for an attribute.
    public var value: String?
    public var location: SourceLocation

    public init(key: String, value: String?, location: SourceLocation) {
        self.key = key
        self.value = value
        self.location = location
    }
}
