import FoundationEssentials
import Glibc
import RunbookModel
import RunbookHost

/// Whether a process still runs. A zombie counts as gone: a killed apply can linger as
/// `<defunct>` until its parent reaps it.
package enum ProcessLiveness {
    package static func isAlive(_ pid: Int32) -> Bool {
        guard pid > 0, let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return false }
        guard let close = stat.lastIndex(of: ")") else { return true }
        let state = stat[stat.index(after: close)...].trimmingBlanks().first
        return state != "Z" && state != "X"
    }
}
