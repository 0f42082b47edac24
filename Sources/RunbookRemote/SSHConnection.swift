import FoundationEssentials
import Glibc
import RunbookModel
import RunbookHost

/// One server reached through the system's `ssh`, never a home-made SSH: the user's
/// ~/.ssh/config, agent, FIDO keys, certificates and ProxyJump all apply, and host keys are
/// checked exactly as the user configured them.
///
/// Every command of a run shares one master connection (`ControlMaster=auto`), whose socket sits
/// in a private 0700 directory made for this run under a name from `%C` (a hash, so the path stays
/// under the socket length limit whatever the host's name). `close()` ends the master with
/// `ssh -O exit`; `ControlPersist=60` is only the backstop for a controller that was killed.
/// `BatchMode=yes` makes a missing key or an unknown host key fail at once instead of prompting.
///
/// With a directory of the operator's own to keep the sockets in (`RUNBOOK_SSH_CONTROL_DIR`,
/// private and short), the masters are left to `ControlPersist`: a plan and the apply that
/// follows it within a minute share one handshake per host.
public final class SSHConnection {
    public let target: SSHTarget
    /// `--become`: every command runs under `sudo -n`, which fails instead of asking for a password.
    public let become: Bool
    private let executable: String
    private let controlDirectory: PrivateDirectory?
    private let controlPath: String
    /// `-F FILE`: an ssh config of the caller's own, in place of ~/.ssh/config (the tests' known_hosts and key).
    private let configFile: String?

    /// ssh could not reach the host, or stopped talking to it: its exit 255.
    public struct Unreachable: Error {
        /// What ssh said on standard error; empty when the remote command was killed by a signal.
        public var said: String
        public var diagnostic: Diagnostic
    }

    public init(target: SSHTarget, configFile: String?, become: Bool = false, keptControlDirectory: String? = nil) throws {
        guard let executable = ProcessLauncher.program(named: "ssh") else {
            throw Diagnostic("there is no ssh program on this machine's PATH", origin: "--host \(target)",
                             hint: "--host runs the system's OpenSSH client: apt-get install openssh-client")
        }
        self.target = target
        self.become = become
        self.executable = executable
        self.configFile = configFile
        if let kept = keptControlDirectory {
            try Self.checkKept(kept)
            (controlDirectory, controlPath) = (nil, "\(kept)/%C")
        } else {
            PrivateDirectory.sweep(prefix: "runbook-ssh", olderThan: 120)
            let made = try PrivateDirectory(prefix: "runbook-ssh")
            (controlDirectory, controlPath) = (made, "\(made.path)/%C")
        }
    }

    /// The options every ssh of this run takes, before the destination.
    var options: [String] {
        (configFile.map { ["-F", $0] } ?? [])
            + ["-o", "BatchMode=yes", "-o", "ControlMaster=auto", "-o", "ControlPersist=60",
               "-o", "ControlPath=\(controlPath)"]
            + (target.port.map { ["-p", String($0)] } ?? [])
    }

    /// Runs the shell script `command` through the server's login shell (under `sudo -n sh -c`
    /// with `become`), with `input` on its standard input. `command` names only paths and hashes:
    /// values travel in `input`, never on a command line. ssh's own failure (exit 255:
    /// unreachable, refused, an unknown host key, a connection lost) is thrown as ``Unreachable``,
    /// a sudo that wants a password as a ``Diagnostic``.
    public func run(_ command: String, input: Data?, onOutput: ((_ fromStandardError: Bool, _ chunk: Data) -> Void)? = nil)
        throws -> ProcessLauncher.Output {
        let remote = become ? "sudo -n -- sh -c \(ShellWord.quoted(command))" : command
        let output = try ProcessLauncher().run(executable: executable, arguments: options + ["--", target.destination, remote],
                                               input: input, onOutput: onOutput)
        let said = Self.lastWords(output.standardError)
        guard output.status != 255 else {
            throw Unreachable(said: said, diagnostic: Diagnostic("cannot reach \(target) over ssh: \(said.isEmpty ? "ssh exited 255" : said)", origin: "--host \(target)",
                                                     hint: "check that `ssh \(target.port.map { "-p \($0) " } ?? "")\(target.destination)` logs in without a prompt: a key ssh can use, and the host's key in known_hosts"))
        }
        if become, output.status == 1, said.contains("sudo: a password is required") || said.contains("sudo: a terminal is required") {
            let user = target.user ?? "the login user"
            throw Diagnostic("sudo on \(target) asks \(user) for a password, and --become runs `sudo -n`, which never asks", origin: "--host \(target)",
                             hint: "let \(user) run commands as root without a password there (a line `\(user) ALL=(ALL) NOPASSWD: ALL` in /etc/sudoers.d/runbook, written with visudo), or log in as root")
        }
        if become, output.status == 127 || said.contains("sudo: not found") || said.contains("sudo: command not found") {
            throw Diagnostic("\(target) has no sudo, which --become runs", origin: "--host \(target)",
                             hint: "install it there (apt-get install sudo), or log in as root without --become")
        }
        return output
    }

    /// Ends the master connection and removes its socket directory; a kept one's master is left
    /// for the next command.
    public func close() {
        guard let controlDirectory else { return }
        _ = try? ProcessLauncher().run(executable: executable, arguments: options + ["-O", "exit", "--", target.destination])
        controlDirectory.remove()
    }

    /// The last three lines a program said on standard error, one line, without the carriage
    /// returns ssh ends its lines with.
    public static func lastWords(_ standardError: Data) -> String {
        String(decoding: standardError, as: UTF8.self).lines(omittingEmpty: true).map { String($0).replacingEvery("\r", with: "").trimmingBlanks() }
            .filter { !$0.isEmpty }.suffix(3).joined(separator: "; ")
    }

    /// A kept socket directory must be this user's alone, and short enough for a socket path:
    /// ssh binds DIR/%C (40 characters) plus a 17-character suffix, under the limit of 108.
    private static func checkKept(_ directory: String) throws {
        var info = stat()
        let origin = "RUNBOOK_SSH_CONTROL_DIR=\(directory)"
        guard lstat(directory, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else {
            throw Diagnostic("RUNBOOK_SSH_CONTROL_DIR names no directory", origin: origin, hint: "make it first: mkdir -m 700 \(directory)")
        }
        guard info.st_uid == UserAccounts.effectiveUID, info.st_mode & 0o077 == 0 else {
            throw Diagnostic("RUNBOOK_SSH_CONTROL_DIR must be yours alone, for anyone who can reach its sockets can use your connections",
                             origin: origin, hint: "chmod 700 \(directory), or name a directory of your own")
        }
        guard directory.utf8.count <= 49 else {
            throw Diagnostic("RUNBOOK_SSH_CONTROL_DIR is \(directory.utf8.count) bytes long; a socket in it would pass the 108-byte limit",
                             origin: origin, hint: "name a directory of at most 49 bytes, like ~/.ssh/cm")
        }
    }
}
