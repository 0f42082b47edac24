import Foundation
import RunbookTestSupport

/// A pristine Debian root file system with systemd, OpenSSH's server and sudo, one per release,
/// built with debootstrap and kept under a cache directory, from which every fresh server is an
/// overlay.
///
/// The image has no ssh host keys and does not start sshd at boot: a server that shares the
/// host's network would otherwise take the host's port 22, and every server would have the same
/// keys. A server that is reached over ssh (a fleet member) makes its own keys and enables ssh in
/// its overlay.
///
/// ```
/// /var/cache/runbook-tests/
///   debian-trixie-systemd/            the root file system (read-only lower layer of every server)
///   debian-trixie-systemd.complete    written last: the recipe it was built with
///   debian-trixie-systemd.log         debootstrap's output
/// ```
///
/// It is reused while the `.complete` marker names the current recipe, and rebuilt (40 s to
/// 3 min, depending on the mirror) when the marker is missing or older. `RUNBOOK_GOLDEN_REBUILD=1`
/// rebuilds it once per test run and release, at its first `prepare()`: every fleet and every
/// fresh server of the run boots from that one. The cache directory is `RUNBOOK_TEST_CACHE` if set.
struct GoldenImage {
    let release: DebianRelease

    static let packages = "systemd,systemd-sysv,dbus,ca-certificates,openssh-server,sudo"

    /// Change it whenever the build below changes, so cached images are rebuilt.
    var recipe: String {
        "debootstrap --variant=minbase --include=\(Self.packages) \(release.rawValue); "
            + "host apt sources for \(release.rawValue); apt-get update; empty machine-id; no ssh host keys, ssh disabled; recipe 3"
    }

    static var cache: URL {
        URL(fileURLWithPath: ProcessInfo.processInfo.environment["RUNBOOK_TEST_CACHE"] ?? "/var/cache/runbook-tests")
    }

    var name: String { "debian-\(release.rawValue)-systemd" }
    var directory: URL { Self.cache.appendingPathComponent(name) }
    var marker: URL { Self.cache.appendingPathComponent("\(name).complete") }
    var log: URL { Self.cache.appendingPathComponent("\(name).log") }

    /// The releases this test process has built already.
    nonisolated(unsafe) private static var builtThisRun: Set<DebianRelease> = []
    private static let building = NSLock()

    var isComplete: Bool {
        guard ProcessInfo.processInfo.environment["RUNBOOK_GOLDEN_REBUILD"] != "1" || Self.builtThisRun.contains(release),
              let written = try? String(contentsOf: marker, encoding: .utf8) else { return false }
        return written.hasPrefix(recipe + "\n") && FileManager.default.fileExists(atPath: directory.appendingPathComponent("usr/lib/systemd/systemd").path)
    }

    /// The image's directory, built first if it is missing or incomplete.
    func prepare() throws -> URL {
        Self.building.lock()
        defer { Self.building.unlock() }
        if isComplete { return directory }
        defer { Self.builtThisRun.insert(release) }
        try FileManager.default.createDirectory(at: Self.cache, withIntermediateDirectories: true)
        let staging = Self.cache.appendingPathComponent("\(name).building-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: staging) }
        let started = Date()
        let debootstrap = try Subprocess.run("/usr/sbin/debootstrap", [
            "--variant=minbase", "--include=\(Self.packages)", release.rawValue, staging.path,
        ])
        try? Data(debootstrap.all.utf8).write(to: log)
        guard debootstrap.status == 0 else {
            throw MissingTool(description: "debootstrap failed (exit \(debootstrap.status)); its output is in \(log.path):\n"
                + debootstrap.all.split(separator: "\n").suffix(30).joined(separator: "\n"))
        }
        try configure(staging)
        try? FileManager.default.removeItem(at: marker)
        if FileManager.default.fileExists(atPath: directory.path) { try FileManager.default.removeItem(at: directory) }
        try FileManager.default.moveItem(at: staging, to: directory)
        let seconds = String(format: "%.0f", Date().timeIntervalSince(started))
        try Data("\(recipe)\nbuilt \(ISO8601DateFormatter().string(from: Date())) in \(seconds) s\n".utf8).write(to: marker)
        print("fresh-server: built the golden image of \(release.title), \(directory.path), in \(seconds) s")
        return directory
    }

    /// What a freshly installed server has that debootstrap leaves out or gets wrong for a copy
    /// that boots many times.
    private func configure(_ root: URL) throws {
        let files = FileManager.default
        // The host's own apt sources (with updates and security), in place of debootstrap's
        // single line, naming this image's release where they name the host's.
        try? files.removeItem(at: root.appendingPathComponent("etc/apt/sources.list"))
        var sources: [(from: String, to: String)] = []
        if files.fileExists(atPath: "/etc/apt/sources.list") { sources.append(("/etc/apt/sources.list", "etc/apt/sources.list")) }
        let sourcesDirectory = "/etc/apt/sources.list.d"
        for name in (try? files.contentsOfDirectory(atPath: sourcesDirectory)) ?? []
        where name.hasSuffix(".list") || name.hasSuffix(".sources") {
            sources.append(("\(sourcesDirectory)/\(name)", "etc/apt/sources.list.d/\(name)"))
        }
        let hostRelease = try Self.hostCodename()
        for (from, to) in sources {
            let text = try String(contentsOfFile: from, encoding: .utf8).replacingOccurrences(of: hostRelease, with: release.rawValue)
            let destination = root.appendingPathComponent(to)
            try? files.removeItem(at: destination)
            try Data(text.utf8).write(to: destination)
        }
        // Each boot makes its own machine id.
        try Data().write(to: root.appendingPathComponent("etc/machine-id"))
        let dbusMachineID = root.appendingPathComponent("var/lib/dbus/machine-id")
        try? files.removeItem(at: dbusMachineID)
        try files.createSymbolicLink(atPath: dbusMachineID.path, withDestinationPath: "/etc/machine-id")
        // openssh-server's postinst made host keys, which every server would share.
        let ssh = root.appendingPathComponent("etc/ssh")
        for key in try files.contentsOfDirectory(atPath: ssh.path) where key.hasPrefix("ssh_host_") {
            try files.removeItem(at: ssh.appendingPathComponent(key))
        }
        // Package lists for those sources, as an installed server has them; sshd off until a server turns it on.
        for command in [["apt-get", "update", "-q"], ["apt-get", "clean"], ["systemctl", "disable", "ssh"]] {
            let result = try Subprocess.run("/usr/sbin/chroot", [root.path] + command)
            guard result.status == 0 else {
                throw MissingTool(description: "\(command.joined(separator: " ")) in the golden image failed (exit \(result.status)):\n\(result.all)")
            }
        }
    }

    /// The host's release codename (`VERSION_CODENAME` in /etc/os-release), which its apt sources name.
    static func hostCodename() throws -> String {
        let release = try String(contentsOfFile: "/etc/os-release", encoding: .utf8)
        guard let line = release.split(separator: "\n").first(where: { $0.hasPrefix("VERSION_CODENAME=") }) else {
            throw MissingTool(description: "/etc/os-release names no VERSION_CODENAME; the fresh-server images copy the apt sources of a Debian host")
        }
        return String(line.dropFirst("VERSION_CODENAME=".count)).trimmingCharacters(in: CharacterSet(charactersIn: "\"' "))
    }
}
