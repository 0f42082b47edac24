import Foundation
import RunbookKit
import RunbookRender
import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookMarkdown
import RunbookHost

/// Every entry below a directory with its type, mode and content hash (or link target): two
/// trees are byte-identical exactly when their manifests are equal.
public struct TreeManifest: Equatable, CustomStringConvertible {
    public var entries: [String: String]
    public var modificationTimes: [String: Double]

    public init(_ root: URL, excluding excluded: [String] = []) throws {
        entries = [:]
        modificationTimes = [:]
        let base = root.path
        func visit(_ path: String) throws {
            let relative = String(path.dropFirst(base.count))
            if excluded.contains(where: { relative == $0 || relative.hasPrefix($0 + "/") }) { return }
            var info = stat()
            guard lstat(path, &info) == 0 else { return }
            let mode = String(info.st_mode & 0o7777, radix: 8)
            modificationTimes[relative] = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                entries[relative.isEmpty ? "/" : relative] = "dir \(mode)"
                for name in try FileManager.default.contentsOfDirectory(atPath: path).sorted() {
                    try visit(path + "/" + name)
                }
            case S_IFLNK:
                entries[relative] = "link -> \(try FileManager.default.destinationOfSymbolicLink(atPath: path))"
            case S_IFREG:
                let data = try Data(contentsOf: URL(fileURLWithPath: path))
                entries[relative] = "file \(mode) \(data.count) \(SHA256.hex(data))"
            default:
                // A FIFO, a socket or a device is never opened: a FIFO would block the read.
                entries[relative] = "special \(String(info.st_mode & S_IFMT, radix: 8)) \(mode)"
            }
        }
        try visit(base)
    }

    public static func == (lhs: TreeManifest, rhs: TreeManifest) -> Bool { lhs.entries == rhs.entries }

    public var description: String { entries.keys.sorted().map { "\($0): \(entries[$0]!)" }.joined(separator: "\n") }

    /// The entries that differ, for a readable failure.
    public func difference(from other: TreeManifest) -> String {
        let keys = Set(entries.keys).union(other.entries.keys).sorted()
        return keys.compactMap { key in
            entries[key] == other.entries[key] ? nil : "\(key): \(other.entries[key] ?? "absent") => \(entries[key] ?? "absent")"
        }.joined(separator: "\n")
    }
}
