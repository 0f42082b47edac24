import FoundationEssentials
import Glibc

/// A file whose `flock` says who may change what it guards. The kernel lets go of the lock when
/// its holder dies, however it dies; what the file says (who held it) is only for messages.
package final class LockFile {
    private let descriptor: Int32

    /// Opens, or creates private (0600), `file` without following a link.
    package init(_ file: DirectoryEntry) throws {
        descriptor = openat(file.directory.descriptor, file.name, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw HostError(path: file.displayPath, operation: "open lock", errno: errno) }
    }

    deinit { close(descriptor) }

    /// Takes the lock without waiting; false when another process holds it.
    package func tryLock() -> Bool { flock(descriptor, LOCK_EX | LOCK_NB) == 0 }

    package func unlock() { flock(descriptor, LOCK_UN) }

    /// Up to 4 KiB of what it says.
    package func contents() -> Data {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let count = pread(descriptor, &buffer, buffer.count, 0)
        return count > 0 ? Data(buffer[0..<count]) : Data()
    }

    /// Replaces what it says, best effort: a holder record that did not reach the disk only
    /// makes a later message vaguer.
    package func replaceContents(_ data: Data) {
        _ = ftruncate(descriptor, 0)
        if !data.isEmpty { _ = data.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) } }
        _ = fsync(descriptor)
    }
}
