import Foundation
import RunbookKit
import RunbookTestSupport
import RunbookRender
import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookMarkdown
import RunbookHost

/// The shipped runbook's nginx, for real: the runbook applied into a root that starts as a copy of
/// Debian's own /etc/nginx, the runbook's own `run` steps making the self-signed certificate, then a
/// real nginx started on the namespace's loopback with that configuration, and the stand-in
/// Ollama server behind it.
///
/// nginx and the commands run in a private network namespace and a private mount namespace in
/// which the root's `/etc/nginx`, `/etc/ssl`, `/var/www` and `/var/log/nginx` are bind-mounted
/// over the host's, so the configuration runs exactly as written, with its absolute paths.
final class NginxSandbox {
    static let domain = "inference.example.com"
    static let secret = "9d4c2a7b1e0f8a6c5d3b2e1f0a9c8b7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b"

    let base: URL
    let root: URL
    let namespace: NetworkNamespace
    let requestLog: URL
    let variables: [String]
    private(set) var configurationTest: Subprocess.Result?

    /// `ipv6SwitchedOff`: the namespace gets `net.ipv6.conf.*.disable_ipv6=1` before nginx starts,
    /// as on a server where IPv6 was turned off with sysctl (no IPv6 address, not even `::1`).
    init(variables extra: [String] = [], chunkDelayMilliseconds: Int = 300, chunks: Int = 6, ipv6SwitchedOff: Bool = false) throws {
        try RequiredTools.require(["nginx", "openssl", "curl", "ip", "unshare"])
        base = FileManager.default.temporaryDirectory.appendingPathComponent("nginx-sandbox-\(UUID().uuidString.prefix(8))")
        root = base.appendingPathComponent("root")
        requestLog = base.appendingPathComponent("standin-requests.jsonl")
        variables = ["secret=\(Self.secret)", "domain=\(Self.domain)"] + extra
        try FileManager.default.createDirectory(at: root.appendingPathComponent("etc"), withIntermediateDirectories: true)
        try Self.debianNginxConfiguration(into: root.appendingPathComponent("etc/nginx"))
        // A Debian server has /etc/ssl already (openssl reads its openssl.cnf there).
        try NetworkNamespace.check(try Subprocess.run("/bin/cp", ["-a", "/etc/ssl", root.appendingPathComponent("etc/ssl").path]),
                                   "copying /etc/ssl")
        for folder in ["var/www", "var/log/nginx"] {
            try FileManager.default.createDirectory(at: root.appendingPathComponent(folder), withIntermediateDirectories: true)
        }
        let apply = try RunbookBinary.run(["apply", "--runbook", "Runbook", "--root", root.path, "--state-dir",
                                           base.appendingPathComponent("state").path] + variables.flatMap { ["--var", $0] })
        guard apply.status == 0 else { throw MissingTool(description: "runbook apply --root failed:\n\(apply.all)") }
        namespace = try NetworkNamespace(prefix: "rb-nginx")
        do {
            if ipv6SwitchedOff {
                try NetworkNamespace.check(try namespace.shell("sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.lo.disable_ipv6=1"),
                                           "switching IPv6 off")
            }
            try runCreatingSteps()
            configurationTest = try sandboxed("nginx -t")
            try startStandIn(chunkDelayMilliseconds: chunkDelayMilliseconds, chunks: chunks)
            // The daemon keeps the stderr it started with; a file, so nobody waits on a pipe that never closes.
            let startLog = base.appendingPathComponent("nginx-start.log").path
            let start = try sandboxed("exec nginx </dev/null >/dev/null 2>'\(startLog)'")
            try NetworkNamespace.check(start, "starting nginx: \((try? String(contentsOfFile: startLog, encoding: .utf8)) ?? "")")
            try waitForPort(443)
        } catch {
            tearDown()
            throw error
        }
    }

    /// Debian's pristine layout: the package's files, with only its default site enabled.
    static func debianNginxConfiguration(into destination: URL) throws {
        try NetworkNamespace.check(try Subprocess.run("/bin/cp", ["-a", "/etc/nginx", destination.path]), "copying /etc/nginx")
        let enabled = destination.appendingPathComponent("sites-enabled")
        for name in try FileManager.default.contentsOfDirectory(atPath: enabled.path) {
            try FileManager.default.removeItem(at: enabled.appendingPathComponent(name))
        }
        try FileManager.default.createSymbolicLink(atPath: enabled.appendingPathComponent("default").path,
                                                   withDestinationPath: "/etc/nginx/sites-available/default")
    }

    /// The runbook's own `run` steps that make files (the webroot, the self-signed certificate),
    /// which `--root` skipped, run now inside the sandbox where their guards say so.
    func runCreatingSteps() throws {
        for step in try Self.runSteps(variables: variables) where try needsToRun(step) {
            try NetworkNamespace.check(try sandboxed(step.script.script), "\(step.info.id) (\(step.info.summary))")
        }
    }

    /// The active `run` steps of the shipped runbook with these variables, in order.
    static func runSteps(variables: [String]) throws -> [RunStep] {
        let runbook = try RunbookLoader(displayDirectory: "Runbook")
            .load(directory: RunbookBinary.packageRoot.appendingPathComponent("Runbook").path)
        let resolved = try VariableResolver(declarations: runbook.variables, given: try variables.map(VariableInput.parseArgument),
                                            storedSecrets: [:]).resolve()
        return try PreparedRunbook.prepare(runbook, variables: resolved).chapters.flatMap(\.changingSteps).compactMap { $0 as? RunStep }
    }

    /// What the step's guard says, evaluated inside the sandbox.
    func needsToRun(_ step: RunStep) throws -> Bool {
        switch step.guardCondition {
        case .creates(let path): !FileManager.default.fileExists(atPath: root.path + path)
        case .unless(let command): try sandboxed(command).status != 0
        case .onlyIf(let command): try sandboxed(command).status == 0
        case .always: true
        }
    }

    static let mounts = """
    mount --bind "$SANDBOX_ROOT/etc/nginx" /etc/nginx
    mount --bind "$SANDBOX_ROOT/etc/ssl" /etc/ssl
    mount --bind "$SANDBOX_ROOT/var/www" /var/www
    mount --bind "$SANDBOX_ROOT/var/log/nginx" /var/log/nginx
    mount -t tmpfs tmpfs /run
    eval "$SANDBOX_SCRIPT"
    """

    /// Runs a script with the root's files mounted where the configuration expects them.
    @discardableResult
    func sandboxed(_ script: String) throws -> Subprocess.Result {
        try namespace.shell("exec unshare --mount --propagation private /bin/sh -ec \"$SANDBOX_MOUNTS\"",
                            environment: ["SANDBOX_ROOT": root.path, "SANDBOX_SCRIPT": script, "SANDBOX_MOUNTS": Self.mounts])
    }

    func startStandIn(chunkDelayMilliseconds: Int, chunks: Int) throws {
        let standIn = RunbookBinary.product("ollama-standin")
        let log = base.appendingPathComponent("standin.log").path
        try NetworkNamespace.check(try namespace.shell("\"$STANDIN\" >\"$LOG\" 2>&1 &", environment: [
            "STANDIN": standIn, "LOG": log, "OLLAMA_HOST": "127.0.0.1:11434", "STANDIN_REQUEST_LOG": requestLog.path,
            "STANDIN_CHUNK_DELAY_MS": String(chunkDelayMilliseconds), "STANDIN_CHUNKS": String(chunks),
        ]), "starting the stand-in")
        try waitForPort(11434)
    }

    func waitForPort(_ port: Int) throws {
        for _ in 0..<100 {
            if try namespace.shell("ss -ltn | grep -q ':\(port) '").status == 0 { return }
            usleep(50_000)
        }
        let errors = (try? String(contentsOf: root.appendingPathComponent("var/log/nginx/error.log"), encoding: .utf8)) ?? ""
        throw MissingTool(description: "nothing listens on port \(port) in the sandbox\n\(errors)")
    }

    /// The certificate file itself (the stable path is a link whose absolute target only resolves inside the sandbox).
    var certificate: String { root.appendingPathComponent("etc/ssl/runbook/\(Self.domain)/selfsigned-cert.pem").path }

    var masterProcessID: Int32? {
        namespace.processIDs.first { pid in
            let commandLine = (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? ""
            return commandLine.contains("nginx: master")
        }
    }

    func workerProcessIDs() -> [Int32] {
        namespace.processIDs.filter { pid in
            ((try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) ?? "").contains("nginx: worker")
        }
    }

    func tearDown() {
        namespace.tearDown()
        try? FileManager.default.removeItem(at: base)
    }
}
