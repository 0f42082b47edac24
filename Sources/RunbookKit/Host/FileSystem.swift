import FoundationEssentials
import Glibc

/// POSIX file operations on real paths. Both hosts use it; they differ only in how they turn a
/// target path into a real one. `displayPath` is what messages show (the target path).
struct FileSystem: Sendable {
    func status(real: String, displayPath: String) throws -> FileStatus? {
        var info = stat()
        guard lstat(real, &info) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw HostError(path: displayPath, operation: "inspect", errno: errno)
        }
        let kind: FileStatus.Kind
        var linkTarget: String?
        switch info.st_mode & S_IFMT {
        case S_IFREG: kind = .file
        case S_IFDIR: kind = .directory
        case S_IFLNK:
            kind = .symlink
            linkTarget = try readLink(real: real, displayPath: displayPath)
        default: kind = .other
        }
        let seconds = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
        return FileStatus(kind: kind, mode: UInt32(info.st_mode) & 0o7777, uid: info.st_uid, gid: info.st_gid,
                          size: Int64(info.st_size), modificationTime: seconds, linkTarget: linkTarget)
    }

    func readLink(real: String, displayPath: String) throws -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink(real, &buffer, buffer.count - 1)
        guard count >= 0 else { throw HostError(path: displayPath, operation: "read link", errno: errno) }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    func read(real: String, displayPath: String) throws -> Data {
        let descriptor = open(real, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw HostError(path: displayPath, operation: "read", errno: errno) }
        defer { close(descriptor) }
        // Sized to the file, so the common case is one read that fills it and one that finds the end;
        // a fixed 64 KiB buffer cost more to clear than most managed files take to read.
        var info = stat()
        let size = fstat(descriptor, &info) == 0 ? Int(info.st_size) : 0
        var data = Data()
        var chunk = [UInt8](repeating: 0, count: min(max(size + 1, 512), 1 << 20))
        while true {
            let count = Glibc.read(descriptor, &chunk, chunk.count)
            if count < 0 {
                if errno == EINTR { continue }
                throw HostError(path: displayPath, operation: "read", errno: errno)
            }
            if count == 0 { break }
            data.append(contentsOf: chunk[0..<count])
        }
        return data
    }

    func list(real: String, displayPath: String) throws -> [String] {
        guard let directory = opendir(real) else { throw HostError(path: displayPath, operation: "list", errno: errno) }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    /// The temporary name a write goes through, beside the path (a real one, or a target path as
    /// a rollback names it). It is fixed, so a write killed halfway leaves at most this one file,
    /// which the next write to the path reuses and a rollback removes.
    static func temporaryPath(for path: String) -> String {
        let directory = path.parentDirectory
        return "\(directory == "/" ? "" : directory)/.\(path.baseName).runbook-tmp"
    }

    /// Temp file in the same directory, fsync, rename, fsync of the directory. The temp file takes
    /// the old file's owner first, so replacing a file never silently changes who owns it.
    func writeAtomically(real: String, displayPath: String, data: Data, mode: UInt32) throws {
        let directory = real.parentDirectory
        let temporary = Self.temporaryPath(for: real)
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw HostError(path: displayPath, operation: "write", errno: errno) }
        var renamed = false
        defer {
            if !renamed { unlink(temporary) }
        }
        do {
            defer { close(descriptor) }
            if let failure = data.withUnsafeBytes({ writeFully(descriptor, $0) }) {
                throw HostError(path: displayPath, operation: "write", errno: failure)
            }
            guard fchmod(descriptor, mode_t(mode)) == 0 else {
                throw HostError(path: displayPath, operation: "set mode of", errno: errno)
            }
            var existing = stat()
            if geteuid() == 0, lstat(real, &existing) == 0 {
                _ = fchown(descriptor, existing.st_uid, existing.st_gid)
            }
            guard fsync(descriptor) == 0 else { throw HostError(path: displayPath, operation: "sync", errno: errno) }
        }
        try FaultInjection.throwingPoint("write:temp-written", path: displayPath)
        guard rename(temporary, real) == 0 else { throw HostError(path: displayPath, operation: "replace", errno: errno) }
        renamed = true
        try FaultInjection.throwingPoint("write:after-rename", path: displayPath)
        syncDirectory(directory)
    }

    private func syncDirectory(_ directory: String) {
        let descriptor = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0 else { return }
        _ = fsync(descriptor)
        close(descriptor)
    }

    func makeDirectory(real: String, displayPath: String, mode: UInt32) throws {
        guard mkdir(real, mode_t(mode)) == 0 else {
            throw HostError(path: displayPath, operation: "create directory", errno: errno)
        }
        // mkdir applies the umask; the mode we record must be the mode we asked for.
        guard chmod(real, mode_t(mode)) == 0 else {
            throw HostError(path: displayPath, operation: "set mode of", errno: errno)
        }
    }

    func makeSymlink(real: String, displayPath: String, target: String) throws {
        guard symlink(target, real) == 0 else { throw HostError(path: displayPath, operation: "create link", errno: errno) }
    }

    func remove(real: String, displayPath: String) throws {
        var info = stat()
        guard lstat(real, &info) == 0 else {
            if errno == ENOENT { return }
            throw HostError(path: displayPath, operation: "remove", errno: errno)
        }
        let result = (info.st_mode & S_IFMT) == S_IFDIR ? rmdir(real) : unlink(real)
        guard result == 0 else { throw HostError(path: displayPath, operation: "remove", errno: errno) }
    }

    func setMode(real: String, displayPath: String, mode: UInt32) throws {
        guard chmod(real, mode_t(mode)) == 0 else { throw HostError(path: displayPath, operation: "set mode of", errno: errno) }
    }

    func setOwner(real: String, displayPath: String, uid: UInt32, gid: UInt32) throws {
        guard lchown(real, uid, gid) == 0 else { throw HostError(path: displayPath, operation: "set owner of", errno: errno) }
    }
}
