import Foundation
import RunbookTestSupport
import XCTest

/// An apply whose writes fail (a full disk, a read-only mount) stops with a clear error, puts back
/// everything it changed, and leaves a complete snapshot. Real mounts: a tiny tmpfs, a read-only bind.
final class UnwritableTargetTests: XCTestCase {
    let runbook = RunbookBinary.fixtures.appendingPathComponent("runbooks/basic").path
    var base: URL!
    var root: URL!
    var mounted: [String] = []

    override func setUpWithError() throws {
        try RequiredTools.require(["mount", "umount"])
        base = try makeTemporaryDirectory(self, "unwritable")
        root = base.appendingPathComponent("root")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    }

    override func tearDown() {
        for point in mounted.reversed() { _ = try? Subprocess.run("/usr/bin/umount", [point]) }
    }

    func mount(_ arguments: [String], at point: URL) throws {
        let result = try Subprocess.run("/usr/bin/mount", arguments + [point.path])
        guard result.status == 0 else { throw MissingTool(description: "mount \(arguments) failed: \(result.all)") }
        mounted.append(point.path)
    }

    func seed() throws {
        try write("listen 80 default;\n", to: root.appendingPathComponent("etc/demo/enabled/default.conf"))
        try write("127.0.0.1 localhost\n", to: root.appendingPathComponent("etc/hosts"))
    }

    func apply() throws -> Subprocess.Result {
        try RunbookBinary.run(["apply", "--runbook", runbook, "--root", root.path, "--state-dir", base.appendingPathComponent("state").path])
    }

    func testAFullDiskStopsTheApplyAndRestoresEverything() throws {
        try mount(["-t", "tmpfs", "-o", "size=64k", "tmpfs"], at: root)
        try seed()
        // Leave room for a couple of small files, not for the whole apply.
        var filesystem = statvfs()
        XCTAssertEqual(statvfs(root.path, &filesystem), 0)
        let free = Int(filesystem.f_bavail) * Int(filesystem.f_frsize)
        try Data(count: max(0, free - 8192)).write(to: root.appendingPathComponent("filler"))
        let fresh = try TreeManifest(root)

        let result = try apply()
        XCTAssertEqual(result.status, 1, result.all)
        XCTAssertTrue(result.stderr.contains("No space left on device"), result.stderr)
        XCTAssertTrue(result.stderr.contains("Restored"), result.stderr)
        let after = try TreeManifest(root)
        XCTAssertEqual(after, fresh, after.difference(from: fresh))
        try assertCompleteFailedSnapshot()
    }

    func testAReadOnlyTargetChangesNothing() throws {
        try seed()
        try mount(["--bind", root.path], at: root)
        try mount(["-o", "remount,bind,ro"], at: root)
        let fresh = try TreeManifest(root)
        let result = try apply()
        XCTAssertEqual(result.status, 1, result.all)
        XCTAssertTrue(result.stderr.contains("Read-only file system"), result.stderr)
        XCTAssertTrue(result.stderr.contains("01-configure.md:7:1: error: 01-configure/1"), result.stderr)
        XCTAssertEqual(try TreeManifest(root), fresh)
        try assertCompleteFailedSnapshot()
    }

    /// The failed apply's manifest is written, says it failed, and records every path it touched.
    func assertCompleteFailedSnapshot() throws {
        let show = try RunbookBinary.run(["snapshots", "show", "1", "--json", "--root", root.path,
                                          "--state-dir", base.appendingPathComponent("state").path])
        XCTAssertEqual(show.status, 0, show.all)
        let shown = try JSONSerialization.jsonObject(with: Data(show.stdout.utf8)) as? [String: Any]
        let snapshot = shown?["snapshot"] as? [String: Any]
        XCTAssertEqual(snapshot?["status"] as? String, "failed")
        XCTAssertNotNil(snapshot?["finishedAt"])
        let records = shown?["records"] as? [[String: Any]] ?? []
        XCTAssertFalse(records.isEmpty)
        XCTAssertTrue(records.allSatisfy { $0["before"] != nil }, "\(records)")
    }
}
