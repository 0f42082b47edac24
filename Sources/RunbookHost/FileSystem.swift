import FoundationEssentials
import Glibc

/// POSIX file operations on a name in an open directory. Both hosts use it; they differ only in
/// how they find the directory (``RootWalk`` under `--root`, the kernel on the live host).
/// Every call is an `*at` call on the directory's descriptor that does not follow a link at the
/// name, except `read` and `list` when asked to (the live host's ordinary reads).
package struct FileSystem: Sendable {
    package init() {}

    package func status(_ entry: DirectoryEntry) throws -> FileStatus? {
        guard let info = entry.directory.status(entry.name) else {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw HostError(path: entry.displayPath, operation: "inspect", errno: errno)
        }
        let kind: FileStatus.Kind
        var linkTarget: String?
        switch info.st_mode & S_IFMT {
        case S_IFREG: kind = .file
        case S_IFDIR: kind = .directory
        case S_IFLNK:
            kind = .symlink
            guard let target = entry.directory.linkTarget(entry.name) else {
                throw HostError(path: entry.displayPath, operation: "read link", errno: errno)
            }
            linkTarget = target
        default: kind = .other
        }
        let seconds = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
        return FileStatus(kind: kind, mode: UInt32(info.st_mode) & 0o7777, uid: info.st_uid, gid: info.st_gid,
                          size: Int64(info.st_size), modificationTime: seconds, linkTarget: linkTarget)
    }

    /// `verifying` sees the opened file's status before a byte is read, and may refuse it.
    package func read(_ entry: DirectoryEntry, followingLink: Bool = false, nonBlocking: Bool = false,
              verifying: ((stat) throws -> Void)? = nil) throws -> Data {
        let descriptor = openat(entry.directory.descriptor, entry.name,
                                O_RDONLY | O_CLOEXEC | (followingLink ? 0 : O_NOFOLLOW) | (nonBlocking ? O_NONBLOCK : 0))
        guard descriptor >= 0 else { throw HostError(path: entry.displayPath, operation: "read", errno: errno) }
        defer { close(descriptor) }
        // Sized to the file, so the common case is one read that fills it and one that finds the end;
        // a fixed 64 KiB buffer cost more to clear than most managed files take to read.
        var info = stat()
        let size = fstat(descriptor, &info) == 0 ? Int(info.st_size) : 0
        try verifying?(info)
        var data = Data()
        var chunk = [UInt8](repeating: 0, count: min(max(size + 1, 512), 1 << 20))
        while true {
            let count = Glibc.read(descriptor, &chunk, chunk.count)
            if count < 0 {
                if errno == EINTR { continue }
                throw HostError(path: entry.displayPath, operation: "read", errno: errno)
            }
            if count == 0 { break }
            data.append(contentsOf: chunk[0..<count])
        }
        return data
    }

    package func list(_ entry: DirectoryEntry, followingLink: Bool = false) throws -> [String] {
        let descriptor = openat(entry.directory.descriptor, entry.name,
                                O_RDONLY | O_DIRECTORY | O_CLOEXEC | (followingLink ? 0 : O_NOFOLLOW))
        guard descriptor >= 0, let directory = fdopendir(descriptor) else {
            let failure = errno
            throw HostError(path: entry.displayPath, operation: "list", errno: failure)
        }
        defer { closedir(directory) }
        var names: [String] = []
        while let found = readdir(directory) {
            let name = withUnsafeBytes(of: found.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// The temporary name a write goes through, beside the path (a real one, or a target path as
    /// a rollback names it). It is fixed, so a write killed halfway leaves at most this one file,
    /// which the next write to the path replaces and a rollback removes.
    package static func temporaryPath(for path: String) -> String {
        let directory = path.parentDirectory
        return "\(directory == "/" ? "" : directory)/\(temporaryName(for: path.baseName))"
    }

    package static func temporaryName(for name: String) -> String { ".\(name).runbook-tmp" }

    /// Temp file in the same directory, fsync, rename, fsync of the directory. The temp file takes
    /// the old file's owner first, so replacing a file never silently changes who owns it.
    package func writeAtomically(_ entry: DirectoryEntry, data: Data, mode: UInt32) throws {
        let directory = entry.directory.descriptor
        let temporary = Self.temporaryName(for: entry.name)
        let descriptor = try createTemporary(temporary, in: entry)
        var renamed = false
        defer {
            if !renamed { unlinkat(directory, temporary, 0) }
        }
        do {
            defer { close(descriptor) }
            if let failure = data.withUnsafeBytes({ writeFully(descriptor, $0) }) {
                throw HostError(path: entry.displayPath, operation: "write", errno: failure)
            }
            // Owner first: the kernel clears setuid and setgid on chown, so a mode set before it
            // would lose them.
            if geteuid() == 0, let existing = entry.directory.status(entry.name) {
                _ = fchown(descriptor, existing.st_uid, existing.st_gid)
            }
            guard fchmod(descriptor, mode_t(mode)) == 0 else {
                throw HostError(path: entry.displayPath, operation: "set mode of", errno: errno)
            }
            guard fsync(descriptor) == 0 else { throw HostError(path: entry.displayPath, operation: "sync", errno: errno) }
        }
        try FaultInjection.throwingPoint("write:temp-written", path: entry.displayPath)
        guard renameat(directory, temporary, directory, entry.name) == 0 else {
            throw HostError(path: entry.displayPath, operation: "replace", errno: errno)
        }
        renamed = true
        try FaultInjection.throwingPoint("write:after-rename", path: entry.displayPath)
        let synced = openat(directory, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if synced >= 0 {
            _ = fsync(synced)
            close(synced)
        }
    }

    /// A new file at the temporary name, never an existing one: whatever is there (a write killed
    /// before its rename, or a link planted to redirect the write) is unlinked, not opened.
    private func createTemporary(_ temporary: String, in entry: DirectoryEntry) throws -> Int32 {
        let directory = entry.directory.descriptor
        for _ in 0..<3 {
            let descriptor = openat(directory, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            if descriptor >= 0 { return descriptor }
            guard errno == EEXIST, unlinkat(directory, temporary, 0) == 0 || errno == ENOENT else { break }
        }
        throw HostError(path: entry.displayPath, operation: "write", errno: errno)
    }

    package func makeDirectory(_ entry: DirectoryEntry, mode: UInt32) throws {
        guard mkdirat(entry.directory.descriptor, entry.name, mode_t(mode)) == 0 else {
            throw HostError(path: entry.displayPath, operation: "create directory", errno: errno)
        }
        // mkdir applies the umask; the mode we record must be the mode we asked for.
        try setMode(entry, mode: mode)
    }

    package func makeSymlink(_ entry: DirectoryEntry, target: String) throws {
        guard symlinkat(target, entry.directory.descriptor, entry.name) == 0 else {
            throw HostError(path: entry.displayPath, operation: "create link", errno: errno)
        }
    }

    package func remove(_ entry: DirectoryEntry) throws {
        guard let info = entry.directory.status(entry.name) else {
            if errno == ENOENT { return }
            throw HostError(path: entry.displayPath, operation: "remove", errno: errno)
        }
        // AT_REMOVEDIR removes only an empty directory and never follows a link: a directory
        // swapped for a link since the status above fails here instead of reaching through it.
        let flags = (info.st_mode & S_IFMT) == S_IFDIR ? AT_REMOVEDIR : 0
        guard unlinkat(entry.directory.descriptor, entry.name, flags) == 0 else {
            throw HostError(path: entry.displayPath, operation: "remove", errno: errno)
        }
    }

    /// Linux's `fchmodat` ignores AT_SYMLINK_NOFOLLOW, so the object is opened without following
    /// (O_PATH, which needs no permission on it and has no side effect on a device) and changed
    /// through its descriptor. A link is refused: its mode means nothing, and chmod would reach
    /// whatever it points at.
    package func setMode(_ entry: DirectoryEntry, mode: UInt32) throws {
        let object = openat(entry.directory.descriptor, entry.name, DirectoryHandle.pathOnly | O_NOFOLLOW | O_CLOEXEC)
        guard object >= 0 else { throw HostError(path: entry.displayPath, operation: "set mode of", errno: errno) }
        defer { close(object) }
        var info = stat()
        guard fstat(object, &info) == 0 else { throw HostError(path: entry.displayPath, operation: "set mode of", errno: errno) }
        guard info.st_mode & S_IFMT != S_IFLNK else {
            throw HostError(path: entry.displayPath, operation: "set mode of", reason: "it is a symbolic link",
                            hint: "a mode is set on a file or a directory, never through a link")
        }
        if chmod("/proc/self/fd/\(object)", mode_t(mode)) == 0 { return }
        guard errno == ENOENT else { throw HostError(path: entry.displayPath, operation: "set mode of", errno: errno) }
        // No /proc: the object is opened for real, still without following.
        let opened = openat(entry.directory.descriptor, entry.name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
        guard opened >= 0 else { throw HostError(path: entry.displayPath, operation: "set mode of", errno: errno) }
        defer { close(opened) }
        guard fchmod(opened, mode_t(mode)) == 0 else { throw HostError(path: entry.displayPath, operation: "set mode of", errno: errno) }
    }

    /// The kernel clears setuid and setgid on chown, whatever order a plan's changes come in; the
    /// mode the object had is put back so changing its owner never changes its mode.
    package func setOwner(_ entry: DirectoryEntry, uid: UInt32, gid: UInt32) throws {
        let before = entry.directory.status(entry.name)
        guard fchownat(entry.directory.descriptor, entry.name, uid, gid, AT_SYMLINK_NOFOLLOW) == 0 else {
            throw HostError(path: entry.displayPath, operation: "set owner of", errno: errno)
        }
        guard let before, before.st_mode & S_IFMT != S_IFLNK, before.st_mode & (S_ISUID | S_ISGID) != 0,
              let after = entry.directory.status(entry.name), after.st_mode & 0o7777 != before.st_mode & 0o7777 else { return }
        try setMode(entry, mode: UInt32(before.st_mode) & 0o7777)
    }
}
