import FoundationEssentials
import Glibc

/// How a command ended, with everything it printed (stdout and stderr interleaved).
public struct ProcessResult: Sendable, Equatable {
    public var status: Int32
    public var output: String

    public init(status: Int32, output: String) {
        self.status = status
        self.output = output
    }

    public var succeeded: Bool { status == 0 }
    /// The shell's way of saying the program does not exist.
    public var commandNotFound: Bool { status == 127 }
}

/// A command for the host to run: a script for a shell, never a string glued into argv.
///
/// Example: the nginx site's validation is `ShellCommand(script: "nginx -t")`; an http check
/// runs `curl --config -` with its configuration, secrets included, on `standardInput`.
///
/// The script itself never reaches argv either: `/proc/PID/cmdline` is readable by every local
/// user, and a script may carry a secret. The shell reads it from ``scriptDescriptor``, a pipe
/// only root (or the same user) can open, so argv is just `/bin/sh -e /dev/fd/3`.
public struct ShellCommand: Sendable, Equatable, Codable {
    public var shell: String
    public var script: String
    public var standardInput: Data?
    public var exitOnError: Bool
    /// Seconds the command may take before its process group is killed (`timeout=` on the step).
    public var timeout: Int

    /// Long enough for any validation, guard, handler or check that is not stuck.
    public static let defaultTimeout = 300

    public init(script: String, shell: String = "/bin/sh", standardInput: Data? = nil, exitOnError: Bool = false,
                timeout: Int = defaultTimeout) {
        self.shell = shell
        self.script = script
        self.standardInput = standardInput
        self.exitOnError = exitOnError
        self.timeout = timeout
    }

    /// Where the shell finds the script: a file descriptor the launcher fills, not argv.
    package static let scriptDescriptor: Int32 = 3

    package var arguments: [String] {
        let source = "/dev/fd/\(Self.scriptDescriptor)"
        return exitOnError ? ["-e", source] : [source]
    }
}
