import FoundationEssentials
import Dispatch
import Glibc

/// Starts a program and waits for it, collecting what it printed.
///
/// It spawns with `posix_spawn` and reaps with `waitpid` itself. Once the program has exited it
/// stops reading: a daemon the program started (a handler's `nginx`, say) may keep the output
/// pipe open for ever, and must not hang the apply.
public struct ProcessLauncher: Sendable {
    public struct Output: Sendable {
        public var status: Int32
        public var standardOutput: Data
        public var standardError: Data
        public var timedOut = false
    }

    /// How long a killed process group gets to exit after SIGTERM before SIGKILL.
    package static let terminationGrace = 2.0

    public init() {
        Self.ignoreBrokenPipes()
    }

    /// A program that exits before reading all of its input, or a closed pipe on runbook's own
    /// output, must not kill an apply halfway: with SIGPIPE ignored those writes fail with EPIPE.
    /// Programs runbook starts get the default disposition back (see `run`).
    public static func ignoreBrokenPipes() {
        signal(SIGPIPE, SIG_IGN)
    }

    /// Where `name` is on the PATH, as a shell would find it; nil when it is on none of it.
    package static func program(named name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(name)" }.first { access($0, X_OK) == 0 }
    }

    package func run(_ command: ShellCommand) throws -> ProcessResult {
        let output = try run(executable: command.shell, arguments: command.arguments, input: command.standardInput,
                             mergingOutput: true, script: command.script.utf8Data, timeout: command.timeout)
        if output.timedOut {
            throw HostError(path: "`\(command.script.lines(omittingEmpty: true).first ?? "")`", operation: "run",
                            reason: "timed out after \(command.timeout) s, and its process group was killed",
                            hint: "give the step a larger timeout= if it needs longer")
        }
        return ProcessResult(status: output.status, output: String(decoding: output.standardOutput, as: UTF8.self))
    }

    /// - Parameters:
    ///   - environment: added to (and overriding) this process's environment.
    ///   - mergingOutput: stderr goes to the same pipe as stdout, interleaved as printed.
    ///   - script: fed to the program on descriptor ``ShellCommand/scriptDescriptor`` through a pipe.
    ///   - timeout: seconds after which the program's process group (it leads its own) is
    ///     sent SIGTERM, then SIGKILL after ``terminationGrace``; nil waits for ever.
    ///   - onOutput: given each chunk as it is read (`fromStandardError` tells the pipe), for a
    ///     caller that shows a long program's output as it comes; the chunks are collected too.
    public func run(executable: String, arguments: [String], environment: [String: String] = [:], input: Data? = nil,
                    directory: String? = nil, mergingOutput: Bool = false, script: Data? = nil,
                    timeout: Int? = nil, onOutput: ((_ fromStandardError: Bool, _ chunk: Data) -> Void)? = nil) throws -> Output {
        if let directory {
            // posix_spawn cannot change directory portably here; a shell does it, then becomes the program.
            return try run(executable: "/bin/sh", arguments: ["-c", "cd \"$0\" && exec \"$@\"", directory, executable] + arguments,
                           environment: environment, input: input, mergingOutput: mergingOutput, timeout: timeout, onOutput: onOutput)
        }
        var outputPipe: [Int32] = [-1, -1], errorPipe: [Int32] = [-1, -1], inputPipe: [Int32] = [-1, -1]
        var scriptPipe: [Int32] = [-1, -1]
        guard pipe(&outputPipe) == 0, pipe(&errorPipe) == 0, pipe(&inputPipe) == 0, pipe(&scriptPipe) == 0 else {
            throw HostError(path: executable, operation: "run", errno: errno)
        }
        // A pipe end that already is the script's descriptor would be "duplicated" onto itself,
        // which keeps its close-on-exec flag on older C libraries: move it out of the way first.
        if scriptPipe[0] == ShellCommand.scriptDescriptor {
            let moved = fcntl(scriptPipe[0], F_DUPFD_CLOEXEC, ShellCommand.scriptDescriptor + 1)
            close(scriptPipe[0])
            scriptPipe[0] = moved
        }
        // Only the duplicates on 0, 1, 2 (and 3 for a script) reach the program.
        for descriptor in outputPipe + errorPipe + inputPipe + scriptPipe { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        if input == nil {
            posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        } else {
            posix_spawn_file_actions_adddup2(&actions, inputPipe[0], 0)
        }
        posix_spawn_file_actions_adddup2(&actions, outputPipe[1], 1)
        posix_spawn_file_actions_adddup2(&actions, mergingOutput ? outputPipe[1] : errorPipe[1], 2)
        if script != nil { posix_spawn_file_actions_adddup2(&actions, scriptPipe[0], ShellCommand.scriptDescriptor) }

        let (pid, spawned) = ProcessSpawn.start(executable, arguments, environment: environment, actions: &actions, detachment: .processGroup)
        for descriptor in [outputPipe[1], errorPipe[1], inputPipe[0], scriptPipe[0]] { close(descriptor) }
        guard spawned == 0 else {
            for descriptor in [outputPipe[0], errorPipe[0], inputPipe[1], scriptPipe[1]] { close(descriptor) }
            throw HostError(path: executable, operation: "run", errno: spawned)
        }
        for (data, writer) in [(input, inputPipe[1]), (script, scriptPipe[1])] {
            guard let data else {
                close(writer)
                continue
            }
            // Written from another thread, so a child that fills its output pipe before it has
            // read all of its input cannot deadlock the collector below.
            DispatchQueue.global().async {
                _ = data.withUnsafeBytes { writeFully(writer, $0) }
                close(writer)
            }
        }
        let deadline = timeout.map { Self.now() + Double($0) }
        let (standardOutput, standardError, status, timedOut) = collect(pid: pid, output: outputPipe[0], error: errorPipe[0],
                                                                         deadline: deadline, onOutput: onOutput)
        close(outputPipe[0])
        close(errorPipe[0])
        return Output(status: status, standardOutput: standardOutput, standardError: standardError, timedOut: timedOut)
    }

    private static func now() -> Double {
        Double(MonotonicClock.nanoseconds()) / 1e9
    }

    /// SIGTERM to the whole group, SIGKILL to whatever is left after the grace; returns the
    /// program's status once reaped.
    private func terminateGroup(_ pid: pid_t) -> Int32 {
        kill(-pid, SIGTERM)
        let until = Self.now() + Self.terminationGrace
        while Self.now() < until {
            if let status = reap(pid, blocking: false) {
                kill(-pid, SIGKILL)
                return status
            }
            usleep(20_000)
        }
        kill(-pid, SIGKILL)
        return reap(pid, blocking: true) ?? 128 + SIGKILL
    }

    /// Reads both pipes until they close or the program has exited, then reaps it; past the
    /// deadline the program's group is killed.
    private func collect(pid: pid_t, output: Int32, error: Int32, deadline: Double?,
                         onOutput: ((Bool, Data) -> Void)?) -> (Data, Data, Int32, Bool) {
        var collected = [Data(), Data()]
        var open = [true, true]
        var exitStatus: Int32?
        var buffer = [UInt8](repeating: 0, count: 65536)
        for descriptor in [output, error] { _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) | O_NONBLOCK) }
        func drain(_ index: Int, _ descriptor: Int32) {
            while open[index] {
                let count = read(descriptor, &buffer, buffer.count)
                if count > 0 {
                    collected[index].append(contentsOf: buffer[0..<count])
                    onOutput?(index == 1, Data(buffer[0..<count]))
                } else if count == 0 {
                    open[index] = false
                } else {
                    if errno == EINTR { continue }
                    if errno != EAGAIN { open[index] = false }
                    return
                }
            }
        }
        while open[0] || open[1] {
            var descriptors = [pollfd(fd: open[0] ? output : -1, events: Int16(POLLIN), revents: 0),
                               pollfd(fd: open[1] ? error : -1, events: Int16(POLLIN), revents: 0)]
            _ = poll(&descriptors, 2, 100)
            drain(0, output)
            drain(1, error)
            if exitStatus == nil, let status = reap(pid, blocking: false) {
                exitStatus = status
                drain(0, output)
                drain(1, error)
                break
            }
            if let deadline, Self.now() >= deadline {
                let status = terminateGroup(pid)
                drain(0, output)
                drain(1, error)
                return (collected[0], collected[1], status, true)
            }
        }
        if let deadline, exitStatus == nil {
            // Both pipes closed early; the program may still be running.
            while Self.now() < deadline {
                if let status = reap(pid, blocking: false) { return (collected[0], collected[1], status, false) }
                usleep(20_000)
            }
            return (collected[0], collected[1], terminateGroup(pid), true)
        }
        return (collected[0], collected[1], exitStatus ?? reap(pid, blocking: true) ?? 1, false)
    }

    /// The exit code, or 128 + the signal that ended the program.
    private func reap(_ pid: pid_t, blocking: Bool) -> Int32? {
        var status: Int32 = 0
        while true {
            let result = waitpid(pid, &status, blocking ? 0 : WNOHANG)
            if result == pid { break }
            if result == 0 { return nil }
            if errno == EINTR { continue }
            return nil
        }
        let signal = status & 0x7f
        return signal == 0 ? (status >> 8) & 0xff : 128 + signal
    }
}
