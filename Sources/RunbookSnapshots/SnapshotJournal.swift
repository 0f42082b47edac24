import FoundationEssentials
import Glibc
import RunbookModel
import RunbookHost

/// The append-only log of a snapshot in the making. Each line is fsynced before the change it
/// describes is made, so an apply killed at any point leaves a journal that says what to restore.
package final class SnapshotJournal {
    /// One line of the journal.
    package struct Entry: Codable {
        package enum Event: String, Codable { case begin, before, after, handler, packages, end }
        package var event: Event
        package var header: SnapshotManifest?
        package var record: PathRecord?
        package var path: String?
        package var state: PathState?
        package var names: [String]?
        package var status: SnapshotManifest.Status?
        package var failure: String?
        package var at: String?
        /// On the end line of an apply that stopped before the end: the chapters it went through.
        package var chapters: [String]?
    }

    private let file: AppendOnlyFile
    package var path: String { file.path }
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    package init(_ file: DirectoryEntry, header: SnapshotManifest) throws {
        self.file = try AppendOnlyFile(file, operation: "create journal")
        try append(Entry(event: .begin, header: header))
    }

    package func append(_ entry: Entry) throws {
        var line = try encoder.encode(entry)
        line.append(0x0A)
        try file.appendDurably(line, operation: "write journal")
    }

    /// Rebuilds the manifest from a journal, as far as it got; nil when it never began (killed
    /// before its first line was whole, so before any change).
    ///
    /// Only a last line without its newline is a write cut short, and is ignored: what it described
    /// never started. Any other line that does not decode is refused with its number, since without
    /// it runbook cannot know what to restore.
    package static func replay(_ file: DirectoryEntry, id: Int) throws -> SnapshotManifest? {
        let journal = StateFile(file)
        guard journal.exists else { return nil }
        let data = try journal.read()
        let lines = data.split(separator: 0x0A, omittingEmptySubsequences: false)
        let decoder = JSONDecoder()
        var manifest: SnapshotManifest?
        for (index, line) in lines.enumerated() {
            let isLast = index == lines.count - 1
            if isLast && line.isEmpty { break }
            let entry: Entry
            do {
                entry = try decoder.decode(Entry.self, from: Data(line))
            } catch let error as DecodingError {
                if isLast { break }
                throw refusal(file, line: index + 1, "is not a journal entry: \(StateFile.describe(error, in: Data(line)))")
            }
            guard (entry.event == .begin) == (manifest == nil) else {
                throw refusal(file, line: index + 1, entry.event == .begin ? "begins the snapshot a second time" : "comes before the journal's begin line")
            }
            switch entry.event {
            case .begin:
                guard let header = entry.header, header.id == id else {
                    throw refusal(file, line: index + 1, "is a begin line \(entry.header.map { "of snapshot \($0.id)" } ?? "without its header")")
                }
                manifest = header
            case .before:
                guard let record = entry.record else { throw refusal(file, line: index + 1, "is a before line without its record") }
                manifest?.records.append(record)
            case .after:
                guard let recorded = manifest?.records.lastIndex(where: { $0.path == entry.path }), let state = entry.state else {
                    throw refusal(file, line: index + 1, "is an after line for no path recorded before it")
                }
                manifest?.records[recorded].after = state
            case .handler: manifest?.handlersRun += entry.names ?? []
            case .packages: manifest?.packagesInstalled += entry.names ?? []
            case .end:
                manifest?.status = entry.status ?? .failed
                manifest?.failure = entry.failure
                manifest?.finishedAt = entry.at
                if let chapters = entry.chapters { manifest?.chapters = chapters }
            }
        }
        return manifest
    }

    private static func refusal(_ file: DirectoryEntry, line: Int, _ problem: String) -> Diagnostic {
        Diagnostic("line \(line) \(problem)", origin: "\(file.displayPath):\(line)",
                   hint: "runbook will not guess what that line recorded, and without it cannot tell what to restore; "
                       + "restore the journal from a backup, or compare it with the paths the snapshot names and put them back by hand")
    }
}
