import Foundation
import RunbookKit
import XCTest
import RunbookRender
import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookMarkdown
import RunbookHost

/// `Snapshots/` is the recorded reference state of the shipped runbook: every file it writes for
/// the reference variables (`Snapshots/reference.vars`), a manifest of every path with its
/// type and mode, and the `plan` transcript and JSON for a fresh root. This test regenerates all
/// of it and fails on any difference. `RUNBOOK_RECORD_SNAPSHOTS=1` re-records on purpose.
final class ReferenceSnapshotTests: XCTestCase {
    static let snapshots = RunbookBinary.packageRoot.appendingPathComponent("Snapshots")
    /// Stands for the temporary root in recorded transcripts.
    static let rootPlaceholder = "/tmp/runbook-reference-root"

    func testSnapshotsMatchWhatTheRunbookWrites() throws {
        let fresh = try generate()
        let recording = ProcessInfo.processInfo.environment["RUNBOOK_RECORD_SNAPSHOTS"] == "1"
        if recording {
            try record(fresh)
            return
        }
        let recorded = try Self.read(Self.snapshots)
        XCTAssertFalse(recorded.isEmpty, "Snapshots/ is empty; record it with RUNBOOK_RECORD_SNAPSHOTS=1 Tests/run.sh")
        let changed = Set(fresh.keys).intersection(recorded.keys).filter { fresh[$0] != recorded[$0] }.sorted()
        let added = Set(fresh.keys).subtracting(recorded.keys).sorted()
        let removed = Set(recorded.keys).subtracting(fresh.keys).sorted()
        guard changed.isEmpty, added.isEmpty, removed.isEmpty else {
            XCTFail("Snapshots/ differs from what the runbook writes: \(changed.count) changed \(changed), \(added.count) new \(added), \(removed.count) gone \(removed); if intended, re-record with RUNBOOK_RECORD_SNAPSHOTS=1 Tests/run.sh")
            if let first = changed.first {
                let diff = UnifiedDiff.make(old: String(decoding: recorded[first]!, as: UTF8.self),
                                            new: String(decoding: fresh[first]!, as: UTF8.self),
                                            oldLabel: "Snapshots/\(first)", newLabel: "now")
                XCTFail(diff)
            }
            return
        }
    }

    /// Everything Snapshots/ should hold, by relative path (reference.vars and README.md are inputs, kept as they are).
    func generate() throws -> [String: Data] {
        let base = try makeTemporaryDirectory(self, "reference")
        let root = URL(fileURLWithPath: Self.rootPlaceholder)
        try? FileManager.default.removeItem(at: root)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        let state = base.appendingPathComponent("state").path
        let common = ["--runbook", "Runbook", "--root", root.path, "--state-dir", state,
                      "--vars-file", "Snapshots/reference.vars", "--no-color"]
        var output: [String: Data] = [:]
        let plan = try RunbookBinary.run(["plan"] + common)
        XCTAssertEqual(plan.status, 2, plan.all)
        output["plan.txt"] = Data(plan.stdout.utf8)
        let json = try RunbookBinary.run(["plan", "--json"] + common)
        XCTAssertEqual(json.status, 2, json.all)
        output["plan.json"] = Data(json.stdout.utf8)
        let apply = try RunbookBinary.run(["apply"] + common)
        XCTAssertEqual(apply.status, 0, apply.all)

        var manifest = ""
        let enumerator = FileManager.default.enumerator(atPath: root.path)
        for relative in (enumerator?.compactMap { $0 as? String } ?? []).sorted() {
            let path = root.appendingPathComponent(relative).path
            var info = stat()
            XCTAssertEqual(lstat(path, &info), 0)
            let mode = String(info.st_mode & 0o7777, radix: 8)
            switch info.st_mode & S_IFMT {
            case S_IFDIR:
                manifest += "/\(relative)  directory \(mode)\n"
            case S_IFLNK:
                manifest += "/\(relative)  link -> \(try FileManager.default.destinationOfSymbolicLink(atPath: path))\n"
            default:
                let data = try Data(contentsOf: URL(fileURLWithPath: path))
                manifest += "/\(relative)  file \(mode) sha256:\(SHA256.hex(data))\n"
                output["tree/\(relative)"] = data
            }
        }
        output["MANIFEST.txt"] = Data(manifest.utf8)
        return output
    }

    func record(_ fresh: [String: Data]) throws {
        for relative in try Self.read(Self.snapshots).keys {
            try FileManager.default.removeItem(at: Self.snapshots.appendingPathComponent(relative))
        }
        for (relative, data) in fresh {
            let url = Self.snapshots.appendingPathComponent(relative)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: url)
        }
    }

    /// The recorded files, without the inputs that are written by hand.
    static func read(_ directory: URL) throws -> [String: Data] {
        var files: [String: Data] = [:]
        let enumerator = FileManager.default.enumerator(atPath: directory.path)
        for relative in enumerator?.compactMap({ $0 as? String }) ?? [] where !["README.md", "reference.vars"].contains(relative) {
            let url = directory.appendingPathComponent(relative)
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory), !isDirectory.boolValue {
                files[relative] = try Data(contentsOf: url)
            }
        }
        return files
    }
}
