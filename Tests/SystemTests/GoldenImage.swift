import Foundation
import RunbookTestSupport

/// A pristine Debian 12 (bookworm) root file system with systemd, built once with debootstrap and
/// kept under a cache directory, from which every fresh server is an overlay.
///
/// ```
/// /var/cache/runbook-tests/
///   debian-bookworm-systemd/            the root file system (read-only lower layer of every server)
///   debian-bookworm-systemd.complete    written last: the recipe it was built with
///   debian-bookworm-systemd.log         debootstrap's output
/// ```
///
/// It is reused while the `.complete` marker names the current recipe, and rebuilt (about 40 s)
/// when the marker is missing or older, or with `RUNBOOK_GOLDEN_REBUILD=1`. The cache directory
/// is `RUNBOOK_TEST_CACHE` if set.
enum GoldenImage {
    /// Change it whenever the build below changes, so cached images are rebuilt.
    static let recipe = "debootstrap --variant=minbase --include=systemd,systemd-sysv,dbus,ca-certificates bookworm; "
        + "host apt sources; apt-get update; empty machine-id; recipe 1"

    static var cache: URL {
        URL(fileURLWithPath: ProcessInfo.processInfo.environment["RUNBOOK_TEST_CACHE"] ?? "/var/cache/runbook-tests")
    }

    static var directory: URL { cache.appendingPathComponent("debian-bookworm-systemd") }
    static var marker: URL { cache.appendingPathComponent("debian-bookworm-systemd.complete") }
    static var log: URL { cache.appendingPathComponent("debian-bookworm-systemd.log") }

    static var isComplete: Bool {
        guard ProcessInfo.processInfo.environment["RUNBOOK_GOLDEN_REBUILD"] != "1",
              let written = try? String(contentsOf: marker, encoding: .utf8) else { return false }
        return written.hasPrefix(recipe + "\n") && FileManager.default.fileExists(atPath: directory.appendingPathComponent("usr/lib/systemd/systemd").path)
    }

    /// The image's directory, built first if it is missing or incomplete.
    static func prepare() throws -> URL {
        if isComplete { return directory }
        try FileManager.default.createDirectory(at: cache, withIntermediateDirectories: true)
        let staging = cache.appendingPathComponent("debian-bookworm-systemd.building-\(UUID().uuidString.prefix(8))")
        defer { try? FileManager.default.removeItem(at: staging) }
        let started = Date()
        let debootstrap = try Subprocess.run("/usr/sbin/debootstrap", [
            "--variant=minbase", "--include=systemd,systemd-sysv,dbus,ca-certificates", "bookworm", staging.path,
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
        print("fresh-server: built the golden image \(directory.path) in \(seconds) s")
        return directory
    }

    /// What a freshly installed server has that debootstrap leaves out or gets wrong for a copy
    /// that boots many times.
    private static func configure(_ root: URL) throws {
        let files = FileManager.default
        // The host's own apt sources (with updates and security), in place of debootstrap's single line.
        try? files.removeItem(at: root.appendingPathComponent("etc/apt/sources.list"))
        if files.fileExists(atPath: "/etc/apt/sources.list") {
            try files.copyItem(atPath: "/etc/apt/sources.list", toPath: root.appendingPathComponent("etc/apt/sources.list").path)
        }
        let sourcesDirectory = "/etc/apt/sources.list.d"
        for name in (try? files.contentsOfDirectory(atPath: sourcesDirectory)) ?? []
        where name.hasSuffix(".list") || name.hasSuffix(".sources") {
            let destination = root.appendingPathComponent("etc/apt/sources.list.d/\(name)")
            try? files.removeItem(at: destination)
            try files.copyItem(atPath: "\(sourcesDirectory)/\(name)", toPath: destination.path)
        }
        // Each boot makes its own machine id.
        try Data().write(to: root.appendingPathComponent("etc/machine-id"))
        let dbusMachineID = root.appendingPathComponent("var/lib/dbus/machine-id")
        try? files.removeItem(at: dbusMachineID)
        try files.createSymbolicLink(atPath: dbusMachineID.path, withDestinationPath: "/etc/machine-id")
        // Package lists for those sources, as an installed server has them.
        for command in [["apt-get", "update", "-q"], ["apt-get", "clean"]] {
            let result = try Subprocess.run("/usr/sbin/chroot", [root.path] + command)
            guard result.status == 0 else {
                throw MissingTool(description: "\(command.joined(separator: " ")) in the golden image failed (exit \(result.status)):\n\(result.all)")
            }
        }
    }
}
