import Foundation
import RunbookTestSupport
import XCTest

/// A real OpenSSH server of the test's own, in a private network namespace joined to this one
/// by a veth pair (10.213.13.1 here, 10.213.13.2 there): its own host key, a client key that
/// logs in as root, and a known_hosts file with the host key, all in the test's temp directory.
///
/// `environment` points runbook's ssh at `sshConfig` (RUNBOOK_SSH_CONFIG, given to ssh as `-F`),
/// which uses that key and that known_hosts with StrictHostKeyChecking on: host keys are checked,
/// never skipped.
final class SSHServer {
    static let address = "10.213.13.2"
    static let controllerAddress = "10.213.13.1"

    let namespace: NetworkNamespace
    let directory: URL
    let sshConfig: URL
    private let daemon: BackgroundCommand

    var environment: [String: String] { ["RUNBOOK_SSH_CONFIG": sshConfig.path] }

    init(_ test: XCTestCase) throws {
        try RequiredTools.require(["ip", "sshd", "ssh", "ssh-keygen"])
        let folder = try makeTemporaryDirectory(test, "ssh-server")
        directory = folder
        let file = { (name: String) in folder.appendingPathComponent(name) }
        namespace = try NetworkNamespace(prefix: "rbssh")
        let suffix = namespace.name.suffix(8)
        let (here, there) = ("rbsc-\(suffix)", "rbss-\(suffix)")
        for arguments in [["link", "add", here, "type", "veth", "peer", "name", there], ["link", "set", there, "netns", namespace.name],
                          ["addr", "add", "\(Self.controllerAddress)/30", "dev", here], ["link", "set", here, "up"],
                          ["-n", namespace.name, "addr", "add", "\(Self.address)/30", "dev", there], ["-n", namespace.name, "link", "set", there, "up"]] {
            try NetworkNamespace.check(try Subprocess.run("/usr/sbin/ip", arguments), "ip \(arguments.joined(separator: " "))")
        }
        for key in ["host_key", "client_key"] {
            try NetworkNamespace.check(try Subprocess.run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-f", file(key).path]), "ssh-keygen \(key)")
        }
        try FileManager.default.copyItem(atPath: file("client_key.pub").path, toPath: file("authorized_keys").path)
        try write("\(Self.address) \(try String(contentsOfFile: file("host_key.pub").path, encoding: .utf8))", to: file("known_hosts"))
        try write("""
            ListenAddress \(Self.address)
            Port 22
            HostKey \(file("host_key").path)
            AuthorizedKeysFile \(file("authorized_keys").path)
            PermitRootLogin prohibit-password
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            UsePAM no
            StrictModes no
            PidFile \(file("sshd.pid").path)

            """, to: file("sshd_config"))
        sshConfig = file("ssh_config")
        try write("""
            Host \(Self.address)
              User root
              IdentityFile \(file("client_key").path)
              IdentitiesOnly yes
              UserKnownHostsFile \(file("known_hosts").path)
              GlobalKnownHostsFile /dev/null
              StrictHostKeyChecking yes

            """, to: sshConfig)
        // sshd's privilege separation directory, which Debian makes at boot.
        try FileManager.default.createDirectory(atPath: "/run/sshd", withIntermediateDirectories: true)
        let (program, arguments) = namespace.command("/usr/sbin/sshd", ["-D", "-e", "-f", file("sshd_config").path])
        daemon = try BackgroundCommand(executable: program, arguments: arguments, log: file("sshd.log"))
        guard daemon.waitForOutput(containing: "Server listening", timeout: 10) else {
            namespace.tearDown()
            throw MissingTool(description: "sshd did not start: \(daemon.output)")
        }
    }

    func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

    /// Stops sshd and every session it started, and removes the namespace with its veth pair.
    func tearDown() {
        namespace.tearDown()
    }
}
