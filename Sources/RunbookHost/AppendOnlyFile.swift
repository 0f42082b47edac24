import FoundationEssentials
import Glibc

/// A file that only grows, each addition on the disk before `append` returns: a journal. Opened
/// in its directory without following a link, and created private (0600) when missing.
package final class AppendOnlyFile {
    private let descriptor: Int32
    package let path: String

    package init(_ file: DirectoryEntry, operation: String) throws {
        path = file.displayPath
        descriptor = openat(file.directory.descriptor, file.name, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw HostError(path: path, operation: operation, errno: errno) }
    }

    deinit { close(descriptor) }

    package func appendDurably(_ data: Data, operation: String) throws {
        if let failure = data.withUnsafeBytes({ writeFully(descriptor, $0) }) {
            throw HostError(path: path, operation: operation, errno: failure)
        }
        guard fsync(descriptor) == 0 else { throw HostError(path: path, operation: operation, errno: errno) }
    }
}
