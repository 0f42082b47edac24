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
public struct ShellCommand: Sendable, Equatable {
    public var shell: String
    public var script: String
    public var standardInput: Data?
    public var exitOnError: Bool

    public init(script: String, shell: String = "/bin/sh", standardInput: Data? = nil, exitOnError: Bool = false) {
        self.shell = shell
        self.script = script
        self.standardInput = standardInput
        self.exitOnError = exitOnError
    }

    var arguments: [String] { exitOnError ? ["-e", "-c", script] : ["-c", script] }
}
