import Glibc

/// An `errno` value as an error, for the steps of a path walk that callers tell apart
/// (a missing directory is "nothing there" to `status`, a failure to `write`).
package struct HostErrno: Error, Equatable, Sendable {
    package var code: Int32

    package var isMissing: Bool { code == ENOENT || code == ENOTDIR }
}
