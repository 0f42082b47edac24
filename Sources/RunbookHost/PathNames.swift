import Glibc

/// Path arithmetic on the absolute, normalised paths runbook works with, on UTF-8 bytes: a `/`
/// followed by a combining mark is still a separator.
extension String {
    /// The directory that holds the path, as `dirname` gives it: `/etc/nginx/x` → `/etc/nginx`, `/x` → `/`.
    package var parentDirectory: String {
        let path = withoutTrailingSlashes
        guard let slash = path.lastIndex(of: UInt8(ascii: "/")) else { return "" }
        return slash == path.startIndex ? "/" : String(decoding: path[..<slash], as: UTF8.self)
    }

    /// The last component, as `basename` gives it: `/etc/nginx/x` → `x`.
    package var baseName: String {
        let path = withoutTrailingSlashes
        guard path.count > 1, let slash = path.lastIndex(of: UInt8(ascii: "/")) else { return String(decoding: path, as: UTF8.self) }
        return String(decoding: path[path.index(after: slash)...], as: UTF8.self)
    }

    private var withoutTrailingSlashes: Substring.UTF8View {
        var path = Substring(self).utf8
        while path.count > 1, path.last == UInt8(ascii: "/") { path = path.dropLast() }
        return path
    }
}

/// Whether `path` names a directory (following links), on the machine runbook runs on.
package func isDirectory(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
}
