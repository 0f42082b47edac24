import Glibc

/// Who runbook runs as, and the names of users for messages.
package enum UserAccounts {
    package static var effectiveUID: UInt32 { geteuid() }

    /// The login name of `uid`, or "uid N" when the passwd database has none.
    package static func name(of uid: UInt32) -> String {
        getpwuid(uid).map { String(cString: $0.pointee.pw_name) } ?? "uid \(uid)"
    }
}
