import Glibc

/// An open directory that later operations name files relative to (`openat`, `renameat`, ...), so
/// a link swapped in on the way after it was opened cannot send them anywhere else.
package final class DirectoryHandle: Sendable {
    package let descriptor: Int32

    /// `O_PATH` (the same value on every Linux architecture Swift runs on): Glibc's module leaves
    /// it out, as it needs `_GNU_SOURCE`. A descriptor that only names an object: no permission on
    /// it needed, and no side effect of opening it (a device, a FIFO).
    package static let pathOnly: Int32 = 0o10000000

    package init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// Opens a directory as the kernel finds it, links on the way followed: the paths an operator
    /// gives (`--root`, `--state-dir`) and, on the live host, a target path's parent.
    /// Returns nil when it is missing; throws when it is there but cannot be opened.
    package static func open(_ path: String, displayPath: String) throws -> DirectoryHandle? {
        let descriptor = Glibc.open(path, pathOnly | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw HostError(path: displayPath, operation: "open directory", reason: String(cString: strerror(errno)))
        }
        return DirectoryHandle(descriptor: descriptor)
    }

    /// Opens `name` in this directory as a directory without following a link, or returns the
    /// `errno` of the attempt (`ENOTDIR` for a link or a file, `ENOENT` when missing).
    package func openDirectory(_ name: String, flags: Int32 = pathOnly) -> Result<DirectoryHandle, HostErrno> {
        let opened = openat(descriptor, name, flags | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard opened >= 0 else { return .failure(HostErrno(code: errno)) }
        return .success(DirectoryHandle(descriptor: opened))
    }

    /// The target of the link `name`, or nil when `name` is not a link.
    package func linkTarget(_ name: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlinkat(descriptor, name, &buffer, buffer.count - 1)
        guard count >= 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `lstat` of `name` in this directory, or nil with `errno` set.
    package func status(_ name: String) -> stat? {
        var info = stat()
        return fstatat(descriptor, name, &info, AT_SYMLINK_NOFOLLOW) == 0 ? info : nil
    }

    /// `fstat` of the directory itself.
    package func ownStatus(displayPath: String) throws -> stat {
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw HostError(path: displayPath, operation: "inspect", errno: errno) }
        return info
    }

    /// Makes the directory `name` in this one; one that is already there is no error, as another
    /// process may have made it a moment before.
    package func makeDirectory(_ name: String, mode: UInt32, displayPath: String) throws {
        guard mkdirat(descriptor, name, mode) == 0 || errno == EEXIST else {
            throw HostError(path: displayPath, operation: "create directory", errno: errno)
        }
    }

    /// Creates the file `name` holding `contents`, unless something is already there under that
    /// name (which is left as it is). Returns whether it made the file.
    @discardableResult
    package func createExclusively(_ name: String, contents: String, mode: UInt32, displayPath: String) throws -> Bool {
        let file = openat(descriptor, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode)
        guard file >= 0 else {
            if errno == EEXIST { return false }
            throw HostError(path: displayPath, operation: "create", errno: errno)
        }
        defer { close(file) }
        writeFully(file, contents)
        return true
    }

    /// `fchmod` of the directory itself.
    package func setOwnMode(_ mode: UInt32, displayPath: String) throws {
        guard fchmod(descriptor, mode_t(mode)) == 0 else { throw HostError(path: displayPath, operation: "set mode of", errno: errno) }
    }

    deinit { close(descriptor) }
}
