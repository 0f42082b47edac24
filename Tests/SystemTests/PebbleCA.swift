import Foundation
import RunbookTestSupport
#if canImport(Glibc)
import Glibc
#endif

/// Let's Encrypt's test CA on the host's loopback: pebble (ACME directory at
/// `https://127.0.0.1:14000/dir`, management on 15000) and pebble-challtestsrv as its DNS server,
/// which answers every name with 127.0.0.1, so http-01 validations of `inference.example.com`
/// reach the fresh server's nginx on port 80 (the server shares the host's network).
///
/// Debian's pebble ships no certificate for its own HTTPS listener, so one is made here, signed by
/// a throwaway CA: `listenerCA` is the bundle certbot must trust (`acme_ca_bundle`).
final class PebbleCA {
    static let directoryURL = "https://127.0.0.1:14000/dir"
    static let ports = [14000, 15000, 8053, 8055]

    let folder: URL
    var listenerCA: URL { folder.appendingPathComponent("listener-ca.pem") }
    var log: URL { folder.appendingPathComponent("pebble.log") }
    private var processes: [Process] = []

    init() throws {
        try RequiredTools.require(["pebble", "pebble-challtestsrv", "openssl", "curl"])
        let busy = FreshServer.listeningPorts().intersection(Self.ports)
        guard busy.isEmpty else {
            throw MissingTool(description: "ports \(busy.sorted()) are in use on this machine; pebble needs 14000, 15000, 8053 and 8055")
        }
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("pebble-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        do {
            try makeListenerCertificate()
            try writeConfiguration()
            try start("/usr/bin/pebble-challtestsrv", ["-defaultIPv4", "127.0.0.1", "-defaultIPv6", "", "-dns01", "127.0.0.1:8053",
                                                       "-management", "127.0.0.1:8055", "-http01", "", "-https01", "", "-tlsalpn01", ""],
                      log: folder.appendingPathComponent("challtestsrv.log"), environment: [:])
            // No random validation delays, no random bad-nonce rejections.
            try start("/usr/bin/pebble", ["-config", folder.appendingPathComponent("config.json").path, "-dnsserver", "127.0.0.1:8053"],
                      log: log, environment: ["PEBBLE_VA_NOSLEEP": "1", "PEBBLE_WFE_NONCEREJECT": "0"])
            try waitForDirectory()
        } catch {
            tearDown()
            throw error
        }
    }

    private func makeListenerCertificate() throws {
        let script = """
        set -e
        openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=pebble listener test CA" -keyout listener-ca.key -out listener-ca.pem
        openssl req -newkey rsa:2048 -nodes -subj "/CN=localhost" -keyout listener.key -out listener.csr
        printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\\n' > listener.ext
        openssl x509 -req -in listener.csr -CA listener-ca.pem -CAkey listener-ca.key -CAcreateserial -days 2 -extfile listener.ext -out listener.pem
        """
        let result = try Subprocess.run("/bin/sh", ["-c", script], directory: folder)
        guard result.status == 0 else { throw MissingTool(description: "making pebble's listener certificate failed:\n\(result.all)") }
    }

    private func writeConfiguration() throws {
        let configuration = """
        {"pebble": {"listenAddress": "127.0.0.1:14000", "managementListenAddress": "127.0.0.1:15000",
                    "certificate": "\(folder.path)/listener.pem", "privateKey": "\(folder.path)/listener.key",
                    "httpPort": 80, "tlsPort": 5001, "ocspResponderURL": "", "externalAccountBindingRequired": false}}
        """
        try Data(configuration.utf8).write(to: folder.appendingPathComponent("config.json"))
    }

    private func start(_ program: String, _ arguments: [String], log: URL, environment: [String: String]) throws {
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let output = try FileHandle(forWritingTo: log)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = output
        process.standardError = output
        try process.run()
        processes.append(process)
    }

    private func waitForDirectory() throws {
        for _ in 0..<100 {
            if try Subprocess.run("/usr/bin/curl", ["-sf", "--cacert", listenerCA.path, Self.directoryURL]).status == 0 { return }
            usleep(100_000)
        }
        throw MissingTool(description: "pebble did not answer on \(Self.directoryURL):\n\((try? String(contentsOf: log, encoding: .utf8)) ?? "")")
    }

    /// The root that issued certificates chain up to; pebble makes a new one every time it starts.
    func currentRoot() throws -> URL {
        let root = folder.appendingPathComponent("issuing-root.pem")
        let result = try Subprocess.run("/usr/bin/curl", ["-sSf", "--cacert", listenerCA.path, "-o", root.path,
                                                          "https://127.0.0.1:15000/roots/0"])
        guard result.status == 0 else { throw MissingTool(description: "fetching pebble's root failed: \(result.all)") }
        return root
    }

    /// How many certificates pebble has issued since it started.
    var issuedCertificates: Int {
        ((try? String(contentsOf: log, encoding: .utf8)) ?? "").components(separatedBy: "Issued certificate serial").count - 1
    }

    /// Stops the two processes this object started, and only those.
    func tearDown() {
        for process in processes where process.isRunning {
            process.terminate()
            let deadline = Date().addingTimeInterval(5)
            while process.isRunning, Date() < deadline { usleep(20_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        processes = []
        try? FileManager.default.removeItem(at: folder)
    }
}
