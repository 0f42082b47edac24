import FoundationEssentials
import Glibc

/// The program that is running, as the kernel loaded it: what `--host` ships to a server that
/// does not have it yet, known there by its SHA-256.
package enum OwnExecutable {
    /// The running binary, which a process of this program starts again by.
    package static let path = "/proc/self/exe"

    package static func contents() throws -> Data {
        do {
            return try Data(contentsOf: URL(fileURLWithPath: "/proc/self/exe"))
        } catch {
            throw HostError(path: "/proc/self/exe", operation: "read", reason: "\(error)",
                            hint: "runbook reads its own binary from /proc to send it to the server; is /proc mounted?")
        }
    }

    /// The machine's architecture as `uname -m` prints it (`x86_64`, `aarch64`).
    package static var architecture: String {
        var names = utsname()
        uname(&names)
        return withUnsafeBytes(of: &names.machine) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
}
