import Foundation
import Glibc

/// The regular files a converged root holds: the files `plan` must read to compare with the
/// runbook, and so what the floor reads. Links are left out: `cat` would follow them out of the root.
enum ManagedFiles {
    static func regularFiles(under root: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: root) else { return [] }
        var files: [String] = []
        while let relative = enumerator.nextObject() as? String {
            let path = root + "/" + relative
            var status = stat()
            if lstat(path, &status) == 0 && (status.st_mode & S_IFMT) == S_IFREG {
                files.append(path)
            }
        }
        return files.sorted()
    }
}
