import FoundationEssentials
import Glibc

/// `posix_spawn` as every program runbook starts is started: with this process's environment
/// and `environment` over it, SIGPIPE back to its default (runbook ignores it for itself), and
/// either a process group of its own (so a timeout reaches all it starts) or a session of its own
/// (so it outlives the session runbook came in on).
enum ProcessSpawn {
    enum Detachment {
        case processGroup
        case session
    }

    /// glibc's POSIX_SPAWN_SETSID (2.26 and later), which its header defines only under _GNU_SOURCE.
    private static let setSessionFlag: Int32 = 0x80

    /// The child's pid, or the errno posix_spawn failed with.
    static func start(_ executable: String, _ arguments: [String], environment: [String: String],
                      actions: inout posix_spawn_file_actions_t, detachment: Detachment) -> (pid: pid_t, error: Int32) {
        var merged = ProcessInfo.processInfo.environment
        for (key, value) in environment { merged[key] = value }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = merged.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaultSignals = sigset_t()
        sigemptyset(&defaultSignals)
        sigaddset(&defaultSignals, SIGPIPE)
        posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
        switch detachment {
        case .processGroup:
            posix_spawnattr_setpgroup(&attributes, 0)
            posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETPGROUP))
        case .session:
            posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | setSessionFlag))
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        return (pid, spawned)
    }
}
