/// A streamed ndjson body: `count` JSON lines, the first sent at once and each later one after a pause.
///
/// Lines are made only when they are due, so every object's `created_at` is the moment it left and
/// the final object can report how long the whole answer took.
struct LineStream {
    var count: Int
    var delayMilliseconds: Int
    /// The JSON object for line `index`, 0 ..< count.
    var line: (_ index: Int) -> JSONValue
}
