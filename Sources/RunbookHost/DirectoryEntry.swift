/// A name in an open directory: where every file operation of ``FileSystem`` lands, so that
/// only `name` itself is looked up when the operation runs, and never followed when it is a link.
package struct DirectoryEntry: Sendable {
    package let directory: DirectoryHandle
    package let name: String
    /// The target path, for messages.
    package let displayPath: String

    package init(directory: DirectoryHandle, name: String, displayPath: String) {
        self.directory = directory
        self.name = name
        self.displayPath = displayPath
    }
}
