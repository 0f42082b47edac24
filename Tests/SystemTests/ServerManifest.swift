import Foundation
import RunbookTestSupport

/// Every file, link and directory under some folders of a server's root, with its type, mode,
/// owner and content hash (or link target): two states are byte for byte the same exactly when
/// their manifests are equal. Read from the host side of the server's overlay.
///
/// ```
/// /etc/nginx/sites-enabled/default: link 777 0:0 -> /etc/nginx/sites-available/default
/// /etc/nginx/nginx.conf: file 644 0:0 5a2c…
/// ```
struct ServerManifest: Equatable, CustomStringConvertible {
    struct Entry: Equatable, CustomStringConvertible {
        var kind: String
        var mode: String
        var owner: String
        /// sha256 of a file, target of a link, empty for a directory.
        var content: String

        var description: String { "\(kind) \(mode) \(owner)\(content.isEmpty ? "" : kind == "link" ? " -> \(content)" : " \(content)")" }
    }

    /// The state-free folders the runbook and the packages it installs write to.
    static let folders = ["/etc", "/var/www"]

    var entries: [String: Entry]
    /// Kept apart from `entries`: a restored file is equal to the original, but newer.
    var modificationTimes: [String: Double]

    init(entries: [String: Entry], modificationTimes: [String: Double] = [:]) {
        self.entries = entries
        self.modificationTimes = modificationTimes
    }

    /// Reads `folders` under `root` (the server's `/` as the host sees it).
    init(root: URL, folders: [String] = ServerManifest.folders) throws {
        entries = [:]
        modificationTimes = [:]
        var files: [String] = []
        let base = root.path
        func visit(_ path: String) throws {
            var info = stat()
            guard lstat(base + path, &info) == 0 else { return }
            let mode = String(info.st_mode & 0o7777, radix: 8)
            let owner = "\(info.st_uid):\(info.st_gid)"
            modificationTimes[path] = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                entries[path] = Entry(kind: "dir", mode: mode, owner: owner, content: "")
                for name in try FileManager.default.contentsOfDirectory(atPath: base + path).sorted() {
                    try visit(path + "/" + name)
                }
            case S_IFLNK:
                entries[path] = Entry(kind: "link", mode: mode, owner: owner,
                                      content: try FileManager.default.destinationOfSymbolicLink(atPath: base + path))
            case S_IFREG:
                entries[path] = Entry(kind: "file", mode: mode, owner: owner, content: "")
                files.append(path)
            default:
                entries[path] = Entry(kind: "other", mode: mode, owner: owner, content: "")
            }
        }
        for folder in folders { try visit(folder) }
        for (path, hash) in try Self.sha256(of: files, under: base) { entries[path]?.content = hash }
    }

    /// One `sha256sum` for all files: a debug build's Swift SHA-256 would take seconds.
    private static func sha256(of paths: [String], under base: String) throws -> [String: String] {
        guard !paths.isEmpty else { return [:] }
        let result = try Subprocess.run("/usr/bin/sha256sum", ["--"] + paths.map { base + $0 })
        guard result.status == 0 else { throw FreshServer.ServerError(description: "sha256sum failed: \(result.all)") }
        var hashes: [String: String] = [:]
        for line in result.stdout.split(separator: "\n") where line.count > 66 {
            // "HASH  PATH"; a leading backslash marks a name sha256sum had to escape.
            let text = line.hasPrefix("\\") ? line.dropFirst() : line[...]
            hashes[String(text.dropFirst(66).dropFirst(base.count))] = String(text.prefix(64))
        }
        return hashes
    }

    static func == (lhs: ServerManifest, rhs: ServerManifest) -> Bool { lhs.entries == rhs.entries }

    var description: String { entries.keys.sorted().map { "\($0): \(entries[$0]!)" }.joined(separator: "\n") }

    /// The entries that differ, one per line as `path: before => after`, for a readable failure.
    func difference(from before: ServerManifest) -> String {
        Set(entries.keys).union(before.entries.keys).sorted().compactMap { path in
            entries[path] == before.entries[path] ? nil
                : "\(path): \(before.entries[path]?.description ?? "absent") => \(entries[path]?.description ?? "absent")"
        }.joined(separator: "\n")
    }

    /// Paths whose modification time differs from `before`'s.
    func touchedPaths(since before: ServerManifest) -> [String] {
        Set(modificationTimes.keys).union(before.modificationTimes.keys).sorted().filter {
            modificationTimes[$0] != before.modificationTimes[$0]
        }
    }

    /// This state with `changes` laid over it: each path set to its new entry, or removed (nil).
    func applying(_ changes: [String: Entry?]) -> ServerManifest {
        var result = ServerManifest(entries: entries)
        for (path, entry) in changes {
            result.entries[path] = entry
        }
        return result
    }

    /// What changed from `before` to this state, as `applying` takes it.
    func changes(since before: ServerManifest) -> [String: Entry?] {
        var changes: [String: Entry?] = [:]
        for path in Set(entries.keys).union(before.entries.keys) where entries[path] != before.entries[path] {
            changes[path] = .some(entries[path])
        }
        return changes
    }
}
