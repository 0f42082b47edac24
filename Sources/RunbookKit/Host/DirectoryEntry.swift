/// A name in an open directory: where every file operation of ``FileSystem`` lands, so that
/// only `name` itself is looked up when the operation runs, and never followed when it is a link.
struct DirectoryEntry: Sendable {
    let directory: DirectoryHandle
    let name: String
    /// The target path, for messages.
    let displayPath: String
}
