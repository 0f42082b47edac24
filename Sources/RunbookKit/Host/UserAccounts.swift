import Glibc

/// Who runbook runs as, and the names of users for messages.
enum UserAccounts {
    static var effectiveUID: UInt32 { geteuid() }

    /// The login name of `uid`, or "uid N" when the passwd database has none.
    static func name(of uid: UInt32) -> String {
        getpwuid(uid).map { String(cString: $0.pointee.pw_name) } ?? "uid \(uid)"
    }
}
