import FoundationEssentials
import Glibc

/// A program started in a session of its own (`setsid`), whose output goes to files and whose
/// input is written once and closed: it outlives the process that started it, the ssh session
/// that one came on, and the hangup of either. What it is doing is told by a lock it holds for
/// its whole life (`flock`, which the kernel lets go of however it ends), not by its pid, which
/// a later process may get.
package struct DetachedProcess: Sendable {
    package let processID: pid_t

    /// Starts `executable` with `input` on its standard input, its standard output appended to
    /// `output` and its standard error to `log` (both made 0600), holding the lock of `lockFile`.
    package static func start(executable: String, arguments: [String], environment: [String: String], input: Data,
                              output: String, log: String, lockFile: String) throws -> DetachedProcess {
        let lock = open(lockFile, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard lock >= 0 else { throw HostError(path: lockFile, operation: "open lock", errno: errno) }
        defer { close(lock) }
        guard flock(lock, LOCK_EX | LOCK_NB) == 0 else { throw HostError(path: lockFile, operation: "lock", errno: errno) }
        var inputPipe: [Int32] = [-1, -1]
        guard pipe(&inputPipe) == 0 else { throw HostError(path: executable, operation: "run", errno: errno) }
        for descriptor in inputPipe { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, inputPipe[0], 0)
        posix_spawn_file_actions_addopen(&actions, 1, output, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, log, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW, 0o600)
        // The same open lock, so the child holds it once this process lets go of its descriptor.
        posix_spawn_file_actions_adddup2(&actions, lock, 3)
        let (pid, spawned) = ProcessSpawn.start(executable, arguments, environment: environment, actions: &actions, detachment: .session)
        close(inputPipe[0])
        guard spawned == 0 else {
            close(inputPipe[1])
            throw HostError(path: executable, operation: "run", errno: spawned)
        }
        _ = input.withUnsafeBytes { writeFully(inputPipe[1], $0) }
        close(inputPipe[1])
        return DetachedProcess(processID: pid)
    }

    /// Its exit status once it has ended (128 + the signal that ended it), nil while it runs.
    package func exitStatus() -> Int32? {
        var status: Int32 = 0
        while true {
            let result = waitpid(processID, &status, WNOHANG)
            if result == processID { break }
            if result == 0 { return nil }
            if errno == EINTR { continue }
            return 128 + SIGKILL
        }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }

    /// Whether a process holds the lock of `file` now: a detached process that is still running.
    package static func holdsLock(_ file: String) -> Bool {
        let descriptor = open(file, O_RDWR | O_NOFOLLOW | O_CLOEXEC)
        guard descriptor >= 0 else { return false }
        defer { close(descriptor) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else { return true }
        flock(descriptor, LOCK_UN)
        return false
    }

    /// Takes the lock of `file` for as long as this process lives: the kernel lets go of it when
    /// the process ends. nil when another holds it.
    package static func holdForLife(_ file: String) -> Int32? {
        let descriptor = open(file, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { return nil }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            return nil
        }
        return descriptor
    }
}
