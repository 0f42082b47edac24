import Foundation
import RunbookTestSupport

/// A fleet of fresh Debian servers reached over real ssh: `web-1` … `web-N`, each a bare
/// `FreshServer` in a network namespace of its own, joined by a veth pair to a bridge in a
/// controller namespace, from which every ssh of the tests starts.
///
/// ```
/// controller namespace (rbfleet-ctl-…)          server namespaces (rbfleet-web-1-…, …)
///   br0 198.18.0.1/24 ── vweb-1 ════════════════ eth0 198.18.0.11  web-1 (sshd on 22)
///                     ── vweb-2 ════════════════ eth0 198.18.0.12  web-2
///                        …                                          198.18.0.250: no server (web-dead)
/// ```
///
/// Each server has its own ed25519 host key, made on the host before boot, and three users who
/// log in with the fleet's client key: `root`, `deploy` (passwordless sudo) and `asker` (in group
/// sudo, so `sudo -n` answers `sudo: a password is required`). `sshConfig` names every server by
/// its alias with StrictHostKeyChecking on against `knownHosts`, which holds each server's key
/// under its address: that is the name ssh checks when an alias has a `HostName`.
///
/// From the host's own namespace a fleet address is not local: it would follow the machine's
/// default route out. So ssh runs only inside the controller namespace: `ssh`, `runbook` and
/// `controllerCommand` put it there, and `sshConfig` itself refuses any ssh started elsewhere.
///
/// ```
/// let fleet = try FleetServers(count: 5)
/// defer { fleet.tearDown() }
/// let plan = try fleet.runbook(["plan", "--host", "web-1", "--runbook", "Tests/Fixtures/runbooks/fleet"])
/// ```
final class FleetServers {
    static let subnet = "198.18.0"
    static let controllerAddress = "\(subnet).1"
    /// An alias in `sshConfig` whose address is in the subnet but has no server: `No route to host`, exit 255.
    static let unreachable = (name: "web-dead", address: "\(subnet).250")
    static let users = ["root", "deploy", "asker"]

    struct Server {
        /// `web-1`: its host name and its alias in `sshConfig`.
        let name: String
        let address: String
        /// Its ed25519 host key as known_hosts holds it: `ssh-ed25519 AAAA…`.
        let hostKey: String
        let namespace: NetworkNamespace
        let instance: FreshServer

        /// The veth end in the controller namespace, on the bridge; down, it partitions the server silently.
        var link: String { "v\(name)" }
    }

    let release: DebianRelease
    /// The client's key, known_hosts and ssh_config, and each server's host key before it is copied in.
    let directory: URL
    let clientKey: URL
    let knownHosts: URL
    let sshConfig: URL
    let controller: NetworkNamespace
    private(set) var servers: [Server] = []
    /// From the first namespace to the last server answering `ssh true`.
    private(set) var bootSeconds = 0.0
    private var namespaces: [NetworkNamespace] = []
    private var instances: [FreshServer] = []
    private var tornDown = false

    /// runbook gives ssh this file as `-F`.
    var environment: [String: String] { ["RUNBOOK_SSH_CONFIG": sshConfig.path] }

    /// Boots `count` servers of `release` at once, and returns when each answers `ssh web-i true`.
    init(count: Int = 5, release: DebianRelease = .trixie) throws {
        precondition((1...200).contains(count), "a fleet has 1 to 200 servers, \(Self.subnet).11 to .210")
        try FreshServer.requireTools()
        try RequiredTools.require(["ip", "ss", "ssh", "ssh-keygen"])
        try Self.allowInotifyInstances(for: count)
        self.release = release
        let golden = try GoldenImage(release: release).prepare()
        let started = Date()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("fleet-\(UUID().uuidString.prefix(8).lowercased())")
        clientKey = directory.appendingPathComponent("id_ed25519")
        knownHosts = directory.appendingPathComponent("known_hosts")
        sshConfig = directory.appendingPathComponent("ssh_config")
        controller = try NetworkNamespace(prefix: "rbfleet-ctl")
        do {
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            try makeBridge()
            let clientPublicKey = try Self.makeKey(clientKey, comment: "fleet-client")
            var members: [(name: String, address: String, hostKeyFile: URL, hostKey: String)] = []
            for index in 1...count {
                let (name, address) = ("web-\(index)", "\(Self.subnet).\(10 + index)")
                let hostKeyFile = directory.appendingPathComponent("host-keys/\(name)/ssh_host_ed25519_key")
                try FileManager.default.createDirectory(at: hostKeyFile.deletingLastPathComponent(), withIntermediateDirectories: true)
                let hostKey = try Self.makeKey(hostKeyFile, comment: "root@\(name)")
                namespaces.append(try NetworkNamespace(prefix: "rbfleet-\(name)"))
                try connect(namespaces[index - 1], name: name, address: address)
                members.append((name, address, hostKeyFile, hostKey))
            }
            try write(members.map { "\($0.address) \($0.hostKey)\n" }.joined(), to: knownHosts)
            try write(configuration(members.map { ($0.name, $0.address) }), to: sshConfig)

            let booted = Self.simultaneously(count) { index in
                try self.boot(members[index].name, golden: golden, network: self.namespaces[index], hostKeyFile: members[index].hostKeyFile,
                              authorizedKey: clientPublicKey)
            }
            instances = booted.compactMap { try? $0.get() }
            for (index, member) in members.enumerated() {
                servers.append(Server(name: member.name, address: member.address, hostKey: member.hostKey,
                                      namespace: namespaces[index], instance: try booted[index].get()))
            }
        } catch {
            tearDown()
            throw error
        }
        bootSeconds = Date().timeIntervalSince(started)
    }

    // MARK: - Commands

    /// The arguments that run `program` inside the controller namespace, where the fleet's addresses are.
    func controllerCommand(_ program: String, _ arguments: [String]) -> (String, [String]) {
        controller.command(program, arguments)
    }

    /// `ssh DESTINATION COMMAND` with `sshConfig`, inside the controller namespace: `web-2`, `deploy@web-2`, `web-dead`.
    @discardableResult
    func ssh(_ destination: String, _ command: String) throws -> Subprocess.Result {
        let (program, arguments) = controllerCommand("/usr/bin/ssh", ["-F", sshConfig.path, "--", destination, command])
        return try Subprocess.run(program, arguments)
    }

    /// The static release `runbook`, as an operator runs it from the package root, inside the
    /// controller namespace with `environment` (and `more`). It is the binary `--host` sends to a
    /// server, which has no Swift.
    @discardableResult
    func runbook(_ arguments: [String], environment more: [String: String] = [:]) throws -> Subprocess.Result {
        let (program, prefix) = controllerCommand(try ReleaseBinary.path("runbook"), arguments)
        let environment = ["NO_COLOR": "1"].merging(environment) { $1 }.merging(more) { $1 }
        return try Subprocess.run(program, prefix, environment: environment, directory: RunbookBinary.packageRoot)
    }

    /// The same, left running in the background, its output in `log`: for a test that acts while
    /// an apply is under way. The fixtures it names must be absolute paths.
    func startRunbook(_ arguments: [String], log: URL) throws -> BackgroundCommand {
        let settings = environment.merging(["NO_COLOR": "1"]) { $1 }.map { "\($0.key)=\($0.value)" }.sorted()
        let (program, prefix) = controllerCommand("/usr/bin/env", settings + [try ReleaseBinary.path("runbook")] + arguments)
        return try BackgroundCommand(executable: program, arguments: prefix, log: log)
    }

    /// The bytes the controller has sent towards the server, as its end of the link counts them.
    func bytesSent(to server: Server) throws -> Int {
        let (program, arguments) = controllerCommand("/bin/cat", ["/sys/class/net/\(server.link)/statistics/tx_bytes"])
        let read = try Subprocess.run(program, arguments)
        try NetworkNamespace.check(read, "reading the byte count of \(server.link)")
        return Int(read.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    }

    /// Runs a shell script inside the server as root, without ssh.
    @discardableResult
    func run(_ server: Server, _ script: String) throws -> Subprocess.Result {
        try server.instance.run(script)
    }

    // MARK: - Faults

    /// Takes the server's link to the bridge down: a silent partition, which a client notices only
    /// through ServerAlive (`Timeout, server … not responding`, after about 7 s).
    func cutLink(_ server: Server) throws {
        try setLink(server, "down")
    }

    func restoreLink(_ server: Server) throws {
        try setLink(server, "up")
    }

    /// Destroys every established connection to the server's sshd, from inside its namespace; the
    /// client says `client_loop: send disconnect: Broken pipe` (exit 255). `ss` lists what it killed.
    @discardableResult
    func killConnections(_ server: Server) throws -> Subprocess.Result {
        let (program, arguments) = server.namespace.command("/usr/bin/ss", ["-K", "-tn", "state", "established", "( sport = :22 )"])
        let result = try Subprocess.run(program, arguments)
        try NetworkNamespace.check(result, "ss -K in \(server.name)'s namespace")
        return result
    }

    // MARK: - Teardown

    /// Ends any ssh master left in the controller namespace, halts every server at once, and
    /// removes the namespaces (with their veth pairs and the bridge) and the fleet's folder. Safe
    /// to call twice.
    func tearDown() {
        guard !tornDown else { return }
        tornDown = true
        endSSHMasters()
        _ = Self.simultaneously(instances.count) { self.instances[$0].tearDown() }
        for namespace in namespaces { namespace.tearDown() }
        controller.tearDown()
        try? FileManager.default.removeItem(at: directory)
    }

    /// A runbook that was killed leaves its ssh master running for ControlPersist's 60 s. A master
    /// shows its control socket in its title (`ssh: PATH [mux]`), so it is asked to exit as runbook
    /// would have; the controller namespace's teardown stops anything else there.
    private func endSSHMasters() {
        for pid in controller.processIDs {
            let title = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline").map { String(decoding: $0, as: UTF8.self) } ?? ""
            guard title.hasPrefix("ssh: "), let end = title.range(of: " [mux]") else { continue }
            let socket = String(title[title.index(title.startIndex, offsetBy: 5)..<end.lowerBound])
            let (program, arguments) = controllerCommand("/usr/bin/ssh", ["-F", "/dev/null", "-o", "ControlPath=\(socket)", "-O", "exit", "fleet"])
            _ = try? Subprocess.run(program, arguments)
        }
    }

    // MARK: - Setup

    private func makeBridge() throws {
        for arguments in [["link", "add", "br0", "type", "bridge"], ["addr", "add", "\(Self.controllerAddress)/24", "dev", "br0"],
                          ["link", "set", "br0", "up"]] {
            try NetworkNamespace.check(try Subprocess.run("/usr/sbin/ip", ["-n", controller.name] + arguments),
                                       "ip -n \(controller.name) \(arguments.joined(separator: " "))")
        }
    }

    private func connect(_ namespace: NetworkNamespace, name: String, address: String) throws {
        for arguments in [["-n", controller.name, "link", "add", "v\(name)", "type", "veth", "peer", "name", "eth0", "netns", namespace.name],
                          ["-n", controller.name, "link", "set", "v\(name)", "master", "br0", "up"],
                          ["-n", namespace.name, "addr", "add", "\(address)/24", "dev", "eth0"],
                          ["-n", namespace.name, "link", "set", "eth0", "up"]] {
            try NetworkNamespace.check(try Subprocess.run("/usr/sbin/ip", arguments), "ip \(arguments.joined(separator: " "))")
        }
    }

    /// The client's settings for every alias. The `Match` comes first so that it wins: outside
    /// the controller namespace every connection goes to a ProxyCommand that refuses. Its test is
    /// coreutils' (a `/proc/self` of its own, in ssh's namespace), whatever shell `$SHELL` is.
    private func configuration(_ members: [(name: String, address: String)]) -> String {
        let refusal = "this ssh_config is for the fleet in network namespace \(controller.name): run ssh there (ip netns exec \(controller.name) ssh ...)"
        let hosts = (members + [Self.unreachable]).map { "Host \($0.name)\n  HostName \($0.address)\n" }.joined()
        return """
            Match !exec "/usr/bin/test /proc/self/ns/net -ef /run/netns/\(controller.name)"
              ProxyCommand /bin/sh -c 'echo "\(refusal)" >&2; exit 1'

            \(hosts)
            Host *
              User root
              IdentityFile \(clientKey.path)
              IdentitiesOnly yes
              UserKnownHostsFile \(knownHosts.path)
              GlobalKnownHostsFile /dev/null
              StrictHostKeyChecking yes
              BatchMode yes
              ConnectTimeout 5
              ServerAliveInterval 2
              ServerAliveCountMax 3

            """
    }

    /// One server: its host key and users written into the overlay, ssh enabled there alone, booted
    /// in its namespace; returns once `ssh NAME true` succeeds.
    private func boot(_ name: String, golden: URL, network: NetworkNamespace, hostKeyFile: URL, authorizedKey: String) throws -> FreshServer {
        let server = try FreshServer(name: name, golden: golden, hostname: name, network: network, ollama: false) { root in
            for (file, mode) in [("ssh_host_ed25519_key", 0o600), ("ssh_host_ed25519_key.pub", 0o644)] {
                let destination = root.appendingPathComponent("etc/ssh/\(file)")
                try FileManager.default.copyItem(at: hostKeyFile.deletingLastPathComponent().appendingPathComponent(file), to: destination)
                try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: destination.path)
            }
            let users = try Subprocess.run("/usr/sbin/chroot", [root.path, "/bin/sh", "-c", Self.usersScript], environment: ["AUTHORIZED_KEY": authorizedKey])
            guard users.status == 0 else { throw FreshServer.ServerError(description: "adding the users to \(name) failed: \(users.all)") }
        }
        let deadline = Date().addingTimeInterval(30)
        while true {
            let answer = try ssh(name, "true")
            if answer.status == 0 { break }
            guard Date() < deadline else {
                server.tearDown()
                throw FreshServer.ServerError(description: "\(name) never answered `ssh \(name) true`: \(answer.all)\n\(server.transcript)")
            }
            usleep(100_000)
        }
        server.note("\(name) answers over ssh")
        return server
    }

    /// Run in the server's root before boot, with the client's public key in AUTHORIZED_KEY.
    private static let usersScript = """
        set -e
        useradd -m -s /bin/bash deploy
        useradd -m -s /bin/bash -G sudo asker
        for user in \(users.joined(separator: " ")); do
            home=$(getent passwd "$user" | cut -d: -f6)
            install -d -m 700 -o "$user" -g "$user" "$home/.ssh"
            printf '%s\\n' "$AUTHORIZED_KEY" > "$home/.ssh/authorized_keys"
            chown "$user:$user" "$home/.ssh/authorized_keys"
            chmod 600 "$home/.ssh/authorized_keys"
        done
        echo 'deploy ALL=(ALL) NOPASSWD:ALL' > /etc/sudoers.d/deploy
        chmod 440 /etc/sudoers.d/deploy
        systemctl enable --quiet ssh
        """

    /// Each server's systemd and journald take inotify instances, about six in all, of the 128 the
    /// kernel allows one user by default: past about 20 servers a systemd fails to start
    /// ("Too many open files"). The limit is raised, never lowered, and only as far as needed.
    private static func allowInotifyInstances(for count: Int) throws {
        let file = "/proc/sys/fs/inotify/max_user_instances"
        let current = Int((try? String(contentsOfFile: file, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") ?? 0
        let needed = 128 + count * 8
        guard count > 16, current < needed else { return }
        try Data("\(needed)\n".utf8).write(to: URL(fileURLWithPath: file))
        print("fleet: raised fs.inotify.max_user_instances from \(current) to \(needed) for \(count) servers")
    }

    // MARK: - Keys and threads

    /// A new ed25519 key pair at `file` (and `file.pub`); returns its public half without the
    /// comment, `ssh-ed25519 AAAA…`, as authorized_keys and known_hosts take it.
    private static func makeKey(_ file: URL, comment: String) throws -> String {
        let keygen = try Subprocess.run("/usr/bin/ssh-keygen", ["-q", "-t", "ed25519", "-N", "", "-C", comment, "-f", file.path])
        try NetworkNamespace.check(keygen, "ssh-keygen -f \(file.path)")
        return try String(contentsOfFile: file.path + ".pub", encoding: .utf8).split(separator: " ").prefix(2).joined(separator: " ")
    }

    private func setLink(_ server: Server, _ state: String) throws {
        let arguments = ["-n", controller.name, "link", "set", server.link, state]
        try NetworkNamespace.check(try Subprocess.run("/usr/sbin/ip", arguments), "ip \(arguments.joined(separator: " "))")
    }

    /// `work(0)` … `work(count - 1)` on a thread each, all at once (a boot or a halt mostly waits,
    /// so the two cores are no limit), and their results in that order.
    private static func simultaneously<T>(_ count: Int, _ work: @escaping (Int) throws -> T) -> [Result<T, any Error>] {
        nonisolated(unsafe) var results = [Result<T, any Error>?](repeating: nil, count: count)
        nonisolated(unsafe) let work = work
        let lock = NSLock()
        let done = DispatchGroup()
        for index in 0..<count {
            done.enter()
            Thread {
                let result = Result { try work(index) }
                lock.withLock { results[index] = result }
                done.leave()
            }.start()
        }
        done.wait()
        return results.map { $0! }
    }
}
