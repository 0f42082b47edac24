import RunbookMarkdown
import RunbookHost

/// One Markdown file of a runbook: its title, its steps and its variable declarations.
public struct Chapter: Sendable {
    /// The file name without `.md`, the prefix of its step ids: `02-nginx`.
    public var name: String
    /// The path as shown in messages: `Runbook/02-nginx.md`.
    public var file: String
    public var title: String
    public var steps: [StepBlock]
    public var variables: [VariableDeclaration]
    /// The tables that document variables for readers, which must agree with the declarations.
    package var variableTables: [VariableTable] = []
}

/// A runbook: its chapters in file-name order.
public struct Runbook: Sendable {
    public var directory: String
    public var chapters: [Chapter]
    /// What the blocks with errors may have declared, when the runbook was loaded past them.
    public var unsure = UnsureNames()
    /// Each chapter file's name (`03-nginx.md`) and the SHA-256 of the bytes read: what a saved
    /// plan was computed from.
    public var chapterDigests: [String: String] = [:]

    package init(directory: String, chapters: [Chapter], chapterDigests: [String: String] = [:]) {
        self.directory = directory
        self.chapters = chapters
        self.chapterDigests = chapterDigests
    }

    public var steps: [StepBlock] { chapters.flatMap(\.steps) }
    public var variables: [VariableDeclaration] { chapters.flatMap(\.variables) }
}
