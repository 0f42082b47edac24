import Foundation
import RunbookTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A fresh Debian server (12 or 13) with systemd as PID 1: a writable overlay over the golden image of its release,
/// booted with systemd-nspawn, on which Ollama's install script has (in effect) just run. Its host
/// name (its name unless told otherwise) is in /etc/hostname and /etc/hosts, as the Debian
/// installer writes them.
///
/// Before boot it receives what the issue allows and nothing else: the stand-in Ollama server as
/// `/usr/local/bin/ollama` with an `ollama.service` like the install script's (enabled and
/// started, on `0.0.0.0:11434`), the static `runbook` binary in `/usr/local/bin`, and the runbook
/// in `/root/Runbook`. nginx, certbot and curl are the runbook's job.
///
/// ```
/// let server = try FreshServer(name: "s1", golden: GoldenImage(release: .trixie).prepare())
/// defer { server.tearDown() }
/// let apply = try server.runbook(["apply"])      // cd /root && runbook apply, inside the server
/// ```
///
/// The server shares the host's network (apt reaches Debian's mirror as the host does, and the
/// host reaches its nginx on 127.0.0.1), so only one runs at a time and ports 80, 443 and 11434
/// must be free on the host. Every command and its output is kept in `transcript`.
///
/// A fleet member (see `FleetServers`) is booted in a network namespace of its own instead, so
/// several run at once and the host's ports are not needed; it may be bare Debian (`ollama:
/// false`: no stand-in, no `runbook`, no `/root/Runbook`), and gets what it needs at boot (host
/// keys, users) from `beforeBoot`.
final class FreshServer {
    static let hostPorts = [80, 443, 11434]
    static let containerPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

    /// What Ollama's Linux install script writes, with the stand-in as the server. The two STANDIN_
    /// settings make a streamed answer last about five seconds, so a test can keep one in flight.
    static let ollamaUnit = """
    [Unit]
    Description=Ollama Service
    After=network-online.target

    [Service]
    ExecStart=/usr/local/bin/ollama serve
    User=ollama
    Group=ollama
    Restart=always
    RestartSec=3
    Environment="PATH=\(containerPath)"
    Environment="STANDIN_CHUNKS=20" "STANDIN_CHUNK_DELAY_MS=250"

    [Install]
    WantedBy=default.target

    """

    let name: String
    let hostname: String
    /// The instance's folder: `upper/` and `work/` of the overlay, `root/` where it is mounted, `console.log`.
    let base: URL
    /// The server's `/`, as the host sees it.
    let root: URL
    private let nspawn = Process()
    private var cgroups: [String] = []
    private var mounted = false
    private var tornDown = false
    /// The server's systemd (PID 1 inside), as a host PID.
    private(set) var initProcessID: Int32 = 0
    private(set) var transcript = ""
    private(set) var bootSeconds = 0.0

    /// Root, the tools, and free ports; a missing tool fails with the command that installs it.
    static func requireTools() throws {
        try RequiredTools.require(["debootstrap", "systemd-nspawn", "nsenter", "script", "ldd", "curl", "openssl", "timeout",
                                   "chroot", "mount", "umount"])
        let hierarchies = cgroupHierarchies
        if hierarchies.isEmpty {
            throw MissingTool(description: "no writable cgroup hierarchy under /sys/fs/cgroup (systemd-nspawn needs one)")
        }
    }

    /// Where each instance gets a cgroup of its own: the `name=systemd` and `unified` trees of a
    /// hybrid (v1) host, or the root of a pure cgroup v2 host.
    static var cgroupHierarchies: [String] {
        let hybrid = ["/sys/fs/cgroup/systemd", "/sys/fs/cgroup/unified"].filter {
            FileManager.default.fileExists(atPath: "\($0)/cgroup.procs")
        }
        if !hybrid.isEmpty { return hybrid }
        return FileManager.default.fileExists(atPath: "/sys/fs/cgroup/cgroup.controllers") ? ["/sys/fs/cgroup"] : []
    }

    /// - Parameters:
    ///   - hostname: the server's host name; its (unique) machine name `name` if nil.
    ///   - network: a private network namespace in place of the host's network.
    ///   - ollama: whether Ollama's install script has run (the stand-in, `runbook` and the runbook installed); a bare server if false.
    ///   - beforeBoot: writes what the server must have when it boots, given its `/` as the host sees it.
    init(name scenario: String, golden: URL, hostname: String? = nil, network: NetworkNamespace? = nil, ollama: Bool = true,
         beforeBoot: (URL) throws -> Void = { _ in }) throws {
        name = "fresh-\(scenario)-\(UUID().uuidString.prefix(6).lowercased())"
        self.hostname = hostname ?? name
        base = FileManager.default.temporaryDirectory.appendingPathComponent(name)
        root = base.appendingPathComponent("root")
        let started = Date()
        do {
            // Ports 80, 443 and 11434 are the host's only when the server shares the host's network.
            if network == nil { try Self.waitForFreeHostPorts() }
            try mountOverlay(golden)
            try writeHostname()
            if ollama { try install() }
            try beforeBoot(root)
            try boot(network: network)
            if ollama { try startOllama() }
        } catch {
            note("setting up \(name) failed: \(error)\n--- console ---\n\(console)")
            tearDown()
            throw ServerError(description: "\(error)\n\(transcript)")
        }
        bootSeconds = Date().timeIntervalSince(started)
        note("server \(name) ready in \(String(format: "%.1f", bootSeconds)) s")
    }

    struct ServerError: Error, CustomStringConvertible {
        var description: String
    }

    // MARK: - Commands inside

    /// Runs a shell script inside the server as root, with a clean environment, and records it.
    @discardableResult
    func run(_ script: String, timeout: Int = 600, quiet: Bool = false) throws -> Subprocess.Result {
        let started = Date()
        let result = try Subprocess.run("/usr/bin/timeout", ["--kill-after=10", String(timeout)] + (try command(script)))
        if !quiet {
            note("$ \(script)\n\(result.all)[exit \(result.status) after \(String(format: "%.1f", Date().timeIntervalSince(started))) s]")
        }
        return result
    }

    /// A live apply refuses `domain` at its example, so plans and applies name it, as an operator
    /// would; the tests' certificates and requests are made for it.
    static let domain = "--var domain=inference.example.com"

    /// `cd /root && runbook ARGUMENTS`, inside the server.
    @discardableResult
    func runbook(_ arguments: [String]) throws -> Subprocess.Result {
        let named = ["plan", "apply"].contains(arguments.first) ? " " + Self.domain : ""
        return try run("cd /root && runbook " + arguments.map(TerminalSession.quoted).joined(separator: " ") + named)
    }

    /// The host command line that runs `script` inside the server. The target is checked first:
    /// nsenter into the PID of systemd-nspawn itself would enter the host.
    func command(_ script: String) throws -> [String] {
        let comm = (try? String(contentsOfFile: "/proc/\(initProcessID)/comm", encoding: .utf8)) ?? ""
        guard initProcessID > 1, comm.trimmingCharacters(in: .whitespacesAndNewlines) == "systemd" else {
            throw ServerError(description: "PID \(initProcessID) is not the server's systemd (comm '\(comm)'); refusing to nsenter")
        }
        return ["/usr/bin/nsenter", "-t", String(initProcessID), "-a", "--", "/usr/bin/env", "-i", "PATH=\(Self.containerPath)",
                "HOME=/root", "LANG=C.UTF-8", "NO_COLOR=1", "/bin/sh", "-c", script]
    }

    /// Starts a script inside the server without waiting; its output goes to `log`.
    func start(_ script: String, log: URL) throws -> BackgroundCommand {
        note("$ \(script) &  (output in \(log.path))")
        return try BackgroundCommand(executable: "/usr/bin/nsenter", arguments: Array(try command(script).dropFirst()), log: log)
    }

    /// Adds a line to the transcript (printed when a scenario fails).
    func note(_ text: String) {
        transcript += text.hasSuffix("\n") ? text : text + "\n"
    }

    var console: String { (try? String(contentsOf: base.appendingPathComponent("console.log"), encoding: .utf8)) ?? "" }

    // MARK: - Processes inside

    /// Host PIDs of the server's processes whose name is `name`.
    func processes(named name: String) -> [Int32] {
        let namespace = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(initProcessID)/ns/pid")
        return ((try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []).compactMap(Int32.init).filter { pid in
            let comm = (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) ?? ""
            return comm.trimmingCharacters(in: .whitespacesAndNewlines) == name && namespace != nil
                && (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(pid)/ns/pid")) == namespace
        }
    }

    /// SIGKILLs one process this test started inside the server, then waits until the programs it
    /// had started (a dpkg, an openssl) have finished too, so the next command finds a quiet server.
    func kill(_ pid: Int32) {
        let orphans = Self.descendants(of: pid).map { ($0, Self.startTime($0)) }
        Glibc.kill(pid, SIGKILL)
        note("SIGKILL \(pid); waiting for what it had started: \(orphans.map(\.0))")
        let deadline = Date().addingTimeInterval(300)
        while Date() < deadline, orphans.contains(where: { Self.startTime($0.0) == $0.1 && Self.isLive($0.0) }) {
            usleep(50_000)
        }
    }

    static func descendants(of pid: Int32) -> [Int32] {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        let children = tasks.flatMap { task in
            ((try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/children", encoding: .utf8)) ?? "")
                .split(separator: " ").compactMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        }
        return children + children.flatMap(descendants(of:))
    }

    /// Field 22 of /proc/PID/stat, which tells a process from a later one with the same PID.
    static func startTime(_ pid: Int32) -> String? { statField(pid, 22) }

    static func parent(of pid: Int32) -> Int32? { statField(pid, 4).flatMap { Int32($0) } }

    /// Field `number` (as proc(5) counts) of /proc/PID/stat; the command name may hold spaces.
    static func statField(_ pid: Int32, _ number: Int) -> String? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        return fields.count > number - 3 ? String(fields[number - 3]) : nil
    }

    /// Running, not a zombie waiting for a slow PID 1 to reap it.
    static func isLive(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return false }
        return !stat[stat.index(after: close)...].hasPrefix(" Z")
    }

    // MARK: - Boot

    private func mountOverlay(_ golden: URL) throws {
        for folder in ["upper", "work", "root"] {
            try FileManager.default.createDirectory(at: base.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        let options = "lowerdir=\(golden.path),upperdir=\(base.appendingPathComponent("upper").path),workdir=\(base.appendingPathComponent("work").path)"
        let mount = try Subprocess.run("/usr/bin/mount", ["-t", "overlay", "overlay", "-o", options, root.path])
        guard mount.status == 0 else { throw ServerError(description: "mounting the overlay failed: \(mount.all)") }
        mounted = true
    }

    /// Without its name in /etc/hosts every sudo warns `unable to resolve host`.
    private func writeHostname() throws {
        try write("\(hostname)\n", to: root.appendingPathComponent("etc/hostname"))
        try write("""
            127.0.0.1\tlocalhost
            127.0.1.1\t\(hostname)
            ::1\t\tlocalhost ip6-localhost ip6-loopback
            ff02::1\t\tip6-allnodes
            ff02::2\t\tip6-allrouters

            """, to: root.appendingPathComponent("etc/hosts"))
    }

    /// The stand-in, its unit, `runbook` and the runbook, written before boot.
    private func install() throws {
        let files = FileManager.default
        let copies = [(try ReleaseBinary.path("ollama-standin"), "usr/local/bin/ollama"),
                      (try ReleaseBinary.path("runbook"), "usr/local/bin/runbook")]
        for (source, destination) in copies {
            try files.copyItem(atPath: source, toPath: root.appendingPathComponent(destination).path)
            try files.setAttributes([.posixPermissions: 0o755], ofItemAtPath: root.appendingPathComponent(destination).path)
        }
        try Data(Self.ollamaUnit.utf8).write(to: root.appendingPathComponent("etc/systemd/system/ollama.service"))
        let runbook = try Subprocess.run("/bin/cp", ["-r", RunbookBinary.packageRoot.appendingPathComponent("Runbook").path,
                                                     root.appendingPathComponent("root/Runbook").path])
        guard runbook.status == 0 else { throw ServerError(description: "copying Runbook/ failed: \(runbook.all)") }
    }

    private func boot(network: NetworkNamespace?) throws {
        for hierarchy in Self.cgroupHierarchies {
            let group = "\(hierarchy)/\(name)"
            try FileManager.default.createDirectory(atPath: group, withIntermediateDirectories: false)
            cgroups.append(group)
        }
        let consoleLog = base.appendingPathComponent("console.log")
        _ = FileManager.default.createFile(atPath: consoleLog.path, contents: nil)
        // The shell joins the instance's own cgroups, then becomes systemd-nspawn; without them
        // nspawn leaves /payload and /supervisor at the top of the host's trees.
        nspawn.executableURL = URL(fileURLWithPath: "/bin/sh")
        nspawn.arguments = ["-c", "for group in $FRESH_SERVER_CGROUPS; do echo $$ > \"$group/cgroup.procs\" || exit 1; done; exec \"$@\"",
                            "sh", "/usr/bin/systemd-nspawn", "-q", "-b", "-D", root.path, "-M", name,
                            "--register=no", "--keep-unit", "--console=read-only"]
            + (network.map { ["--network-namespace-path=/run/netns/\($0.name)"] } ?? [])
        nspawn.environment = ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "FRESH_SERVER_CGROUPS": cgroups.joined(separator: " ")]
        nspawn.standardInput = FileHandle.nullDevice
        let output = try FileHandle(forWritingTo: consoleLog)
        nspawn.standardOutput = output
        nspawn.standardError = output
        try nspawn.run()
        note("booting \(name): systemd-nspawn is PID \(nspawn.processIdentifier)")

        // nspawn's child whose comm is systemd is the server's PID 1.
        let deadline = Date().addingTimeInterval(30)
        while initProcessID == 0 {
            guard nspawn.isRunning, Date() < deadline else {
                throw ServerError(description: "systemd-nspawn did not start systemd:\n\(self.console)")
            }
            initProcessID = Self.descendants(of: nspawn.processIdentifier).first { pid in
                ((try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) ?? "").hasPrefix("systemd\n")
            } ?? 0
            if initProcessID == 0 { usleep(20_000) }
        }
        // Commands sent before systemd is up fail with "Failed to connect to bus".
        var state = ""
        while Date() < deadline {
            state = (try run("systemctl is-system-running", quiet: true)).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            if state == "running" || state == "degraded" { break }
            usleep(100_000)
        }
        note("systemd (host PID \(initProcessID)) reports: \(state)")
        if state == "degraded" { try run("systemctl --failed --no-pager") }
        guard state == "running" || state == "degraded" else {
            throw ServerError(description: "the server did not finish booting (systemctl is-system-running: \(state)):\n\(self.console)")
        }
    }

    /// The rest of what the install script does: a system user, and the service enabled and started.
    private func startOllama() throws {
        let setup = try run("useradd -r -s /bin/false -U -m -d /usr/share/ollama ollama && systemctl daemon-reload && systemctl enable --now ollama")
        guard setup.status == 0 else { throw ServerError(description: "installing ollama.service failed: \(setup.all)") }
        let deadline = Date().addingTimeInterval(20)
        while !Self.listeningPorts(seenBy: initProcessID).contains(11434) {
            guard Date() < deadline else {
                try run("systemctl status ollama --no-pager; journalctl -u ollama --no-pager")
                throw ServerError(description: "the stand-in never listened on 11434")
            }
            usleep(50_000)
        }
    }

    // MARK: - Host ports

    /// TCP ports someone listens on in the network namespace of `process` (by default this one,
    /// the host's, which a server without a network of its own shares).
    static func listeningPorts(seenBy process: Int32? = nil) -> Set<Int> {
        var ports = Set<Int>()
        let proc = process.map { "/proc/\($0)" } ?? "/proc/self"
        for table in ["\(proc)/net/tcp", "\(proc)/net/tcp6"] {
            for line in ((try? String(contentsOfFile: table, encoding: .utf8)) ?? "").split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ")
                guard fields.count > 3, fields[3] == "0A", let port = fields[1].split(separator: ":").last else { continue }
                if let number = Int(port, radix: 16) { ports.insert(number) }
            }
        }
        return ports
    }

    /// Whether the host (and so the server) has the IPv6 loopback address.
    static var hostHasIPv6Loopback: Bool {
        ((try? String(contentsOfFile: "/proc/net/if_inet6", encoding: .utf8)) ?? "").split(separator: "\n")
            .contains { $0.hasPrefix("00000000000000000000000000000001 ") }
    }

    static func waitForFreeHostPorts() throws {
        let deadline = Date().addingTimeInterval(15)
        while true {
            let busy = listeningPorts().intersection(hostPorts)
            if busy.isEmpty { return }
            guard Date() < deadline else {
                throw ServerError(description: "ports \(busy.sorted()) are in use on this machine; the fresh servers share the host's network and need 80, 443 and 11434 free")
            }
            usleep(100_000)
        }
    }

    // MARK: - Teardown

    /// How to use a server kept running (`RUNBOOK_KEEP_SERVER=1`) by hand, and how to get rid of it.
    var keptInstructions: String {
        """
        The server \(name) is still running (its systemd is host PID \(initProcessID)). Enter it with
          nsenter -t \(initProcessID) -a /bin/bash
        and try `runbook plan`, `runbook apply`, `runbook rollback` in /root. When you are done:
          kill \(nspawn.processIdentifier); sleep 3; umount \(root.path); rm -rf \(base.path)
          find \(cgroups.joined(separator: " ")) -depth -type d -exec rmdir {} +
        """
    }

    /// Halts the server, then removes every trace: leftover processes (all started by this
    /// server), its cgroups, the overlay mount and its folder. Safe to call twice.
    func tearDown() {
        guard !tornDown else { return }
        tornDown = true
        let pid = nspawn.processIdentifier
        if pid > 0, nspawn.isRunning {
            // One SIGTERM halts the container cleanly; SIGKILL if it takes too long.
            Glibc.kill(pid, SIGTERM)
            let deadline = Date().addingTimeInterval(15)
            while nspawn.isRunning, Date() < deadline { usleep(50_000) }
            if nspawn.isRunning {
                Glibc.kill(pid, SIGKILL)
                let end = Date().addingTimeInterval(5)
                while nspawn.isRunning, Date() < end { usleep(50_000) }
            }
        }
        for group in cgroups { removeCgroup(group) }
        cgroups = []
        if mounted {
            for attempt in 0..<20 {
                let unmount = (try? Subprocess.run("/usr/bin/umount", attempt < 19 ? [root.path] : ["-l", root.path]))?.status ?? 1
                if unmount == 0 { mounted = false; break }
                usleep(200_000)
            }
        }
        if !mounted && !Self.isMountPoint(root.path) {
            try? FileManager.default.removeItem(at: base)
        } else {
            print("fresh-server: \(root.path) is still mounted; left \(base.path) in place")
        }
    }

    /// Kills what is left in the instance's cgroup and removes it, deepest first.
    private func removeCgroup(_ group: String) {
        guard group.hasPrefix("/sys/fs/cgroup/"), group.hasSuffix("/" + name) else { return }
        let groups = Self.subgroups(of: group)
        for _ in 0..<50 {
            let left = groups.flatMap { ((try? String(contentsOfFile: "\($0)/cgroup.procs", encoding: .utf8)) ?? "").split(separator: "\n") }
                .compactMap { Int32($0) }
            if left.isEmpty { break }
            for pid in left { Glibc.kill(pid, SIGKILL) }
            usleep(100_000)
        }
        for path in groups.sorted(by: { $0.count > $1.count }) { rmdir(path) }
    }

    static func subgroups(of group: String) -> [String] {
        var found = [group]
        for entry in (try? FileManager.default.contentsOfDirectory(atPath: group)) ?? [] {
            var info = stat()
            if lstat("\(group)/\(entry)", &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
                found += subgroups(of: "\(group)/\(entry)")
            }
        }
        return found
    }

    static func isMountPoint(_ path: String) -> Bool {
        let mounts = (try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)) ?? ""
        return mounts.split(separator: "\n").contains { $0.split(separator: " ").dropFirst(4).first.map(String.init) == path }
    }
}
