import Foundation
import Glibc

/// The temporary directory the benchmark works in: generated runbooks, roots and state
/// directories. Everything in it is removed when the benchmark ends.
final class ScratchSpace {
    let path: String
    private var directoriesMade = 0

    init() throws {
        let base = ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var template = Array("\(base)/runbook-bench-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw BenchmarkError.setup("cannot make a temporary directory in \(base): \(String(cString: strerror(errno)))")
        }
        path = String(cString: made)
    }

    /// A new empty directory whose name starts with `prefix`, never used before in this run.
    func freshDirectory(_ prefix: String) throws -> String {
        directoriesMade += 1
        let directory = "\(path)/\(prefix)-\(directoriesMade)"
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw BenchmarkError.setup("cannot make \(directory): \(error)")
        }
        return directory
    }

    /// Removes a directory made here; a failure only leaves litter behind until ``removeAll()``.
    func remove(_ directory: String) {
        try? FileManager.default.removeItem(atPath: directory)
    }

    func removeAll() {
        try? FileManager.default.removeItem(atPath: path)
    }
}
