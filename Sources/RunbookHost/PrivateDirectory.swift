import FoundationEssentials
import Glibc

/// A new directory that only this user can enter (mkdtemp makes it 0700), removed with all it
/// holds when done: ssh's control sockets, a runbook received over the connection.
package struct PrivateDirectory: Sendable {
    package let path: String

    /// Under `$XDG_RUNTIME_DIR` when it is set (a per-user tmpfs), else under /tmp; both short, so
    /// a socket inside stays under the 108-byte limit of a socket path.
    package init(prefix: String) throws {
        let base = ProcessInfo.processInfo.environment["XDG_RUNTIME_DIR"].flatMap { isDirectory($0) ? $0 : nil } ?? "/tmp"
        var template = Array("\(base)/\(prefix).XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw HostError(path: "\(base)/\(prefix).XXXXXX", operation: "make a private directory", errno: errno)
        }
        path = String(cString: made)
    }

    package func remove() {
        try? FileManager.default.removeItem(atPath: path)
    }

    /// Removes this user's empty directories of `prefix` older than `seconds`: what a runbook
    /// that was killed left. A directory a running one still uses holds its socket, and rmdir
    /// removes only an empty one.
    package static func sweep(prefix: String, olderThan seconds: Int) {
        let base = ProcessInfo.processInfo.environment["XDG_RUNTIME_DIR"].flatMap { isDirectory($0) ? $0 : nil } ?? "/tmp"
        let now = time(nil)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: base)) ?? [] where name.hasPrefix(prefix + ".") {
            var info = stat()
            let path = "\(base)/\(name)"
            guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR, info.st_uid == geteuid(),
                  now - info.st_mtim.tv_sec > seconds else { continue }
            rmdir(path)
        }
    }
}
