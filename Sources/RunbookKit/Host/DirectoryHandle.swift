import Glibc

/// An open directory that later operations name files relative to (`openat`, `renameat`, ...), so
/// a link swapped in on the way after it was opened cannot send them anywhere else.
final class DirectoryHandle: Sendable {
    let descriptor: Int32

    /// `O_PATH` (the same value on every Linux architecture Swift runs on): Glibc's module leaves
    /// it out, as it needs `_GNU_SOURCE`. A descriptor that only names an object: no permission on
    /// it needed, and no side effect of opening it (a device, a FIFO).
    static let pathOnly: Int32 = 0o10000000

    init(descriptor: Int32) {
        self.descriptor = descriptor
    }

    /// Opens a directory as the kernel finds it, links on the way followed: the paths an operator
    /// gives (`--root`, `--state-dir`) and, on the live host, a target path's parent.
    /// Returns nil when it is missing; throws when it is there but cannot be opened.
    static func open(_ path: String, displayPath: String) throws -> DirectoryHandle? {
        let descriptor = Glibc.open(path, pathOnly | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw HostError(path: displayPath, operation: "open directory", reason: String(cString: strerror(errno)))
        }
        return DirectoryHandle(descriptor: descriptor)
    }

    /// Opens `name` in this directory as a directory without following a link, or returns the
    /// `errno` of the attempt (`ENOTDIR` for a link or a file, `ENOENT` when missing).
    func openDirectory(_ name: String, flags: Int32 = pathOnly) -> Result<DirectoryHandle, HostErrno> {
        let opened = openat(descriptor, name, flags | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard opened >= 0 else { return .failure(HostErrno(code: errno)) }
        return .success(DirectoryHandle(descriptor: opened))
    }

    /// The target of the link `name`, or nil when `name` is not a link.
    func linkTarget(_ name: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlinkat(descriptor, name, &buffer, buffer.count - 1)
        guard count >= 0 else { return nil }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// `lstat` of `name` in this directory, or nil with `errno` set.
    func status(_ name: String) -> stat? {
        var info = stat()
        return fstatat(descriptor, name, &info, AT_SYMLINK_NOFOLLOW) == 0 ? info : nil
    }

    deinit { close(descriptor) }
}
