import FoundationEssentials
import Glibc

/// The append-only log of a snapshot in the making. Each line is fsynced before the change it
/// describes is made, so an apply killed at any point leaves a journal that says what to restore.
final class SnapshotJournal {
    /// One line of the journal.
    struct Entry: Codable {
        enum Event: String, Codable { case begin, before, after, handler, packages, end }
        var event: Event
        var header: SnapshotManifest?
        var record: PathRecord?
        var path: String?
        var state: PathState?
        var names: [String]?
        var status: SnapshotManifest.Status?
        var failure: String?
        var at: String?
    }

    private let descriptor: Int32
    let path: String
    private let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return encoder
    }()

    init(_ file: DirectoryEntry, header: SnapshotManifest) throws {
        path = file.displayPath
        descriptor = openat(file.directory.descriptor, file.name, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw HostError(path: path, operation: "create journal", errno: errno) }
        try append(Entry(event: .begin, header: header))
    }

    deinit { close(descriptor) }

    func append(_ entry: Entry) throws {
        var line = try encoder.encode(entry)
        line.append(0x0A)
        if let failure = line.withUnsafeBytes({ writeFully(descriptor, $0) }) {
            throw HostError(path: path, operation: "write journal", errno: failure)
        }
        guard fsync(descriptor) == 0 else { throw HostError(path: path, operation: "write journal", errno: errno) }
    }

    /// Rebuilds the manifest from a journal, as far as it got.
    static func replay(_ file: DirectoryEntry) throws -> SnapshotManifest {
        let path = file.displayPath
        let text = String(decoding: try FileSystem().read(file), as: UTF8.self)
        let decoder = JSONDecoder()
        var manifest: SnapshotManifest?
        for line in text.split(separator: "\n") {
            // A line cut short by a kill is the last one; what it described never started.
            guard let entry = try? decoder.decode(Entry.self, from: Data(line.utf8)) else { continue }
            switch entry.event {
            case .begin: manifest = entry.header
            case .before: if let record = entry.record { manifest?.records.append(record) }
            case .after:
                if let index = manifest?.records.lastIndex(where: { $0.path == entry.path }) {
                    manifest?.records[index].after = entry.state
                }
            case .handler: manifest?.handlersRun += entry.names ?? []
            case .packages: manifest?.packagesInstalled += entry.names ?? []
            case .end:
                manifest?.status = entry.status ?? .failed
                manifest?.failure = entry.failure
                manifest?.finishedAt = entry.at
            }
        }
        guard let manifest else { throw HostError(path: path, operation: "read journal", reason: "it has no header") }
        return manifest
    }
}
