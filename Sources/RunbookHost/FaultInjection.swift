import FoundationEssentials
import Glibc
import Synchronization

/// Test-only fault injection, compiled into debug builds only, so release behaviour cannot
/// depend on it. Every named point counts; with `RUNBOOK_FAULT_AT=N` (or `N,M,...`) the Nth point fails
/// (`RUNBOOK_FAULT_ACTION=fail`), pauses for a second (`pause`, to widen a race window on
/// purpose) or kills the process with SIGKILL (`kill`, the default); `RUNBOOK_FAULT_ACTION=fail,kill`
/// gives each point its own action.
/// `RUNBOOK_FAULT_TRACE=FILE` appends each point's name, so a test can enumerate them.
package enum FaultInjection {
    package struct InjectedFault: Error, CustomStringConvertible {
        package var point: String
        package var description: String { "injected fault at \(point)" }
    }

    #if DEBUG
    nonisolated(unsafe) private static var reached = 0
    private static let lock = Mutex(())
    #endif

    package static func throwingPoint(_ name: String, path: String? = nil) throws {
        #if DEBUG
        try check(name, path: path)
        #endif
    }

    #if DEBUG
    private static func check(_ name: String, path: String?) throws {
        let environment = ProcessInfo.processInfo.environment
        guard environment["RUNBOOK_FAULT_AT"] != nil || environment["RUNBOOK_FAULT_TRACE"] != nil else { return }
        let label = path.map { "\(name) \($0)" } ?? name
        let count: Int = lock.withLock { _ in
            reached += 1
            return reached
        }
        if let trace = environment["RUNBOOK_FAULT_TRACE"] {
            let descriptor = open(trace, O_WRONLY | O_APPEND | O_CLOEXEC)
            if descriptor >= 0 {
                writeFully(descriptor, "\(count) \(label)\n")
                close(descriptor)
            }
        }
        // Several points and actions, comma-separated: a failure, and then a fault in the restore it starts.
        let targets = (environment["RUNBOOK_FAULT_AT"] ?? "").split(separator: ",").map { Int($0) }
        guard let index = targets.firstIndex(of: count) else { return }
        let actions = (environment["RUNBOOK_FAULT_ACTION"] ?? "").split(separator: ",").map(String.init)
        switch index < actions.count ? actions[index] : actions.last {
        case "fail": throw InjectedFault(point: label)
        case "pause":
            sleep(1)
            return
        default: break
        }
        kill(getpid(), SIGKILL)
    }
    #endif
}
