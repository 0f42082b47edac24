import Glibc

/// Path arithmetic on the absolute, normalised paths runbook works with.
extension String {
    /// The directory that holds the path, as `dirname` gives it: `/etc/nginx/x` → `/etc/nginx`, `/x` → `/`.
    var parentDirectory: String {
        let path = withoutTrailingSlashes
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// The last component, as `basename` gives it: `/etc/nginx/x` → `x`.
    var baseName: String {
        let path = withoutTrailingSlashes
        guard path != "/", let slash = path.lastIndex(of: "/") else { return String(path) }
        return String(path[path.index(after: slash)...])
    }

    private var withoutTrailingSlashes: Substring {
        var path = Substring(self)
        while path.utf8.count > 1, path.hasSuffix("/") { path = path.dropLast() }
        return path
    }
}

/// Whether `path` names a directory (following links), on the machine runbook runs on.
func isDirectory(_ path: String) -> Bool {
    var info = stat()
    return stat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR
}
