import Glibc
import RunbookHost

/// Runs one program as a whole process and measures it the way an operator experiences it.
///
/// Foundation's `Process` reaps its children itself and never shows their `rusage`, so this spawns
/// with `posix_spawn` and reaps with `wait4`, which returns the resource usage of exactly that
/// child. `MeasuredProcess.run(ProcessInvocation(executable: "/bin/true", arguments: []))` gives
/// about a millisecond of wall time and `.exited(0)`.
enum MeasuredProcess {
    /// - Parameters:
    ///   - standardOutput, standardError: where the child's output goes. `/dev/null` by default, so
    ///     that what is timed is the program, not a terminal or a pipe we would have to drain.
    static func run(_ invocation: ProcessInvocation, standardOutput: String = "/dev/null",
                    standardError: String = "/dev/null") throws -> ProcessMeasurement {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, standardOutput, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, standardError, O_WRONLY | O_CREAT | O_TRUNC, 0o644)

        // Everything the spawn needs is built before the clock starts.
        let argv: [UnsafeMutablePointer<CChar>?] = ([invocation.executable] + invocation.arguments).map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }

        LauncherMemory.resetPeakResident()
        let launcherResidentKiB = LauncherMemory.residentKiB()

        var pid: pid_t = 0
        let start = MonotonicClock.nanoseconds()
        let spawnError = posix_spawn(&pid, invocation.executable, &actions, nil, argv, environ)
        guard spawnError == 0 else {
            throw BenchmarkError.spawnFailed(invocation.displayed, String(cString: strerror(spawnError)))
        }
        var status: Int32 = 0
        var usage = rusage()
        while wait4(pid, &status, 0, &usage) == -1 {
            guard errno == EINTR else { throw BenchmarkError.waitFailed(invocation.displayed, String(cString: strerror(errno))) }
        }
        let wallSeconds = MonotonicClock.secondsSince(start)
        return ProcessMeasurement(wallSeconds: wallSeconds, peakResidentKiB: usage.ru_maxrss,
                                  launcherResidentKiB: launcherResidentKiB,
                                  termination: ProcessTermination(waitStatus: status))
    }
}
