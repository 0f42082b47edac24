import Foundation
import XCTest

/// The state directory is runbook's alone, and under `--root` it stays inside the root: a state
/// file or the directory itself linked out of the root, a `--state-dir` that is someone else's
/// directory, or one owned by another user is refused with a message naming it and saying what
/// to do, and nothing outside changes, not even a mode. A step cannot manage the state directory.
final class StateContainmentTests: XCTestCase {
    let runbook = RunbookBinary.fixtures.appendingPathComponent("runbooks/basic").path
    var base: URL!
    var root: URL!
    var outside: URL!

    override func setUpWithError() throws {
        base = try makeTemporaryDirectory(self, "state-containment")
        root = base.appendingPathComponent("root")
        outside = base.appendingPathComponent("outside")
        try write("127.0.0.1 localhost\n", to: root.appendingPathComponent("etc/hosts"))
        try write("precious\n", to: outside.appendingPathComponent("precious.txt"), mode: 0o644)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: outside.path)
    }

    func runbook(_ command: String, _ extra: [String] = []) throws -> Subprocess.Result {
        // `snapshots` reads only the state directory, so it takes no --runbook.
        try RunbookBinary.run([command] + (command == "snapshots" ? [] : ["--runbook", runbook]) + ["--root", root.path] + extra)
    }

    var stateDirectory: URL { root.appendingPathComponent("var/lib/runbook") }

    /// Refused by `command`, with every one of `expected` in its stderr, and `outside` unchanged.
    func assertRefused(_ command: String, _ extra: [String] = [], saying expected: [String], file: StaticString = #filePath,
                       line: UInt = #line) throws {
        let before = try TreeManifest(outside)
        let result = try runbook(command, extra)
        XCTAssertEqual(result.status, 1, "`runbook \(command)` should refuse:\n\(result.all)", file: file, line: line)
        for text in expected {
            XCTAssertTrue(result.stderr.contains(text), "`runbook \(command)` should say \(text):\n\(result.stderr)", file: file, line: line)
        }
        let after = try TreeManifest(outside)
        XCTAssertEqual(after, before, "`runbook \(command)` changed the outside directory:\n\(after.difference(from: before))",
                       file: file, line: line)
    }

    func testALockLinkedOutOfTheRootIsNeverOpened() throws {
        try FileManager.default.createDirectory(at: stateDirectory, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: stateDirectory.appendingPathComponent("lock").path,
                                                   withDestinationPath: outside.appendingPathComponent("precious.txt").path)
        try assertRefused("apply", saying: ["\(stateDirectory.path)/lock", "symbolic link"])
    }

    func testSecretsLinkedOutOfTheRootAreNeverReadOrWritten() throws {
        try FileManager.default.createDirectory(at: stateDirectory, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: stateDirectory.appendingPathComponent("secrets").path,
                                                   withDestinationPath: outside.appendingPathComponent("precious.txt").path)
        for command in ["check", "plan", "apply"] {
            try assertRefused(command, saying: ["\(stateDirectory.path)/secrets", "symbolic link"])
        }
    }

    func testSnapshotsAndBlobsLinkedOutOfTheRootAreNeverFilled() throws {
        for name in ["snapshots", "blobs"] {
            try? FileManager.default.removeItem(at: stateDirectory)
            try FileManager.default.createDirectory(at: stateDirectory, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: stateDirectory.appendingPathComponent(name).path,
                                                       withDestinationPath: outside.path)
            try assertRefused("apply", saying: ["\(stateDirectory.path)/\(name)", "runbook never follows a link in its state directory"])
        }
    }

    func testAStateDirectoryLinkedOutOfTheRootIsRefused() throws {
        try FileManager.default.createDirectory(at: stateDirectory.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: stateDirectory.path, withDestinationPath: outside.path)
        for command in ["plan", "apply"] {
            try assertRefused(command, saying: ["the state directory \(stateDirectory.path) is a symbolic link", "--state-dir"])
        }
        try FileManager.default.removeItem(at: stateDirectory)
        // A link that leaves the root on the way to the state directory is refused like any target path's.
        try FileManager.default.removeItem(at: root.appendingPathComponent("var/lib"))
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("var/lib").path, withDestinationPath: "../../outside")
        for command in ["plan", "apply"] {
            try assertRefused(command, saying: ["the link /var/lib -> ../../outside escapes the --root directory", "--state-dir"])
        }
    }

    /// A link inside the root may lead elsewhere inside the root: the state directory follows it.
    func testALinkInsideTheRootIsFollowedToTheStateDirectory() throws {
        try FileManager.default.createDirectory(at: root.appendingPathComponent("data/lib"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: root.appendingPathComponent("var"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("var/lib").path, withDestinationPath: "/data/lib")
        let applied = try runbook("apply")
        XCTAssertEqual(applied.status, 0, applied.all)
        let state = root.appendingPathComponent("data/lib/runbook")
        XCTAssertTrue(FileManager.default.fileExists(atPath: state.appendingPathComponent("secrets").path))
        XCTAssertTrue(FileManager.default.fileExists(atPath: state.appendingPathComponent(".runbook-state").path))
        XCTAssertEqual(try runbook("rollback").status, 0)
    }

    func testSomeoneElsesDirectoryAsStateDirIsRefusedAndUnchanged() throws {
        let foreign = base.appendingPathComponent("var-lib")
        try write("Package: nginx\n", to: foreign.appendingPathComponent("dpkg/status"))
        try write("", to: foreign.appendingPathComponent("apt/lists/lock"), mode: 0o640)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: foreign.path)
        let before = try TreeManifest(foreign)
        for command in ["check", "plan", "apply", "rollback", "snapshots"] {
            let result = try runbook(command, ["--state-dir", foreign.path])
            XCTAssertEqual(result.status, 1, "`runbook \(command)` should refuse:\n\(result.all)")
            XCTAssertTrue(result.stderr.contains("--state-dir \(foreign.path): error: the state directory \(foreign.path) already holds files runbook did not make (apt, dpkg)"),
                          result.stderr)
            XCTAssertTrue(result.stderr.contains("pass --state-dir with a new or empty directory"), result.stderr)
            XCTAssertEqual(try TreeManifest(foreign), before, "`runbook \(command)` changed \(foreign.path)")
        }
    }

    func testAStateDirectoryOwnedByAnotherUserIsRefused() throws {
        let state = base.appendingPathComponent("state")
        XCTAssertEqual(try runbook("apply", ["--state-dir", state.path]).status, 0)
        let nobody = try XCTUnwrap(getpwnam("nobody"), "the test needs the user nobody").pointee
        XCTAssertEqual(chown(state.path, nobody.pw_uid, nobody.pw_gid), 0, "the test runs as root, to chown the state directory")
        let before = try TreeManifest(state)
        for command in ["plan", "apply", "rollback"] {
            let result = try runbook(command, ["--state-dir", state.path])
            XCTAssertEqual(result.status, 1, "`runbook \(command)` should refuse:\n\(result.all)")
            XCTAssertTrue(result.stderr.contains("the state directory \(state.path) belongs to nobody, not to the user runbook runs as"),
                          result.stderr)
            XCTAssertEqual(try TreeManifest(state), before)
            var info = stat()
            XCTAssertEqual(lstat(state.path, &info), 0)
            XCTAssertEqual(info.st_uid, nobody.pw_uid)
        }
    }

    /// State directories made before the marker existed hold only runbook's own names: they keep working.
    func testAStateDirectoryOfAnEarlierVersionIsKept() throws {
        let state = base.appendingPathComponent("state")
        XCTAssertEqual(try runbook("apply", ["--state-dir", state.path]).status, 0)
        let secrets = try Data(contentsOf: state.appendingPathComponent("secrets"))
        try FileManager.default.removeItem(at: state.appendingPathComponent(".runbook-state"))
        let plan = try runbook("plan", ["--state-dir", state.path])
        XCTAssertEqual(plan.status, 0, "the stored secret is still used:\n\(plan.all)")
        XCTAssertFalse(FileManager.default.fileExists(atPath: state.appendingPathComponent(".runbook-state").path),
                       "plan changes nothing, not even the marker")
        XCTAssertEqual(try runbook("rollback", ["--state-dir", state.path]).status, 0)
        XCTAssertTrue(FileManager.default.fileExists(atPath: state.appendingPathComponent(".runbook-state").path))
        XCTAssertEqual(try Data(contentsOf: state.appendingPathComponent("secrets")), secrets)
        // An empty directory made for runbook is taken as well.
        let empty = base.appendingPathComponent("empty")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        XCTAssertEqual(try runbook("apply", ["--state-dir", empty.path]).status, 0)
    }
}

extension StateContainmentTests {
    /// `absent=/var` would remove the snapshot that undoes the apply: every step that is, is in,
    /// or holds the state directory is refused before anything is touched, as written or through a link.
    func testAStepCannotManageTheStateDirectory() throws {
        try FileManager.default.createDirectory(at: root.appendingPathComponent("var/lib"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("srv").path, withDestinationPath: "/var/lib")
        for (attributes, body, says) in [
            ("absent=/var", "rm -r /var", "absent=/var holds runbook's state directory"),
            ("absent=/var/lib/runbook", "rm -r /var/lib/runbook", "absent=/var/lib/runbook is runbook's state directory"),
            ("file=/var/lib/runbook/secrets", "{}", "file=/var/lib/runbook/secrets is inside runbook's state directory"),
            ("link=/var/lib/runbook/lock to=/etc/hosts", "ln -s /etc/hosts /var/lib/runbook/lock", "is inside runbook's state directory"),
            ("file=/srv/runbook/blobs/x", "x", "file=/srv/runbook/blobs/x is inside runbook's state directory"),
        ] {
            let chapter = base.appendingPathComponent("state-steps")
            try? FileManager.default.removeItem(at: chapter)
            let language = attributes.hasPrefix("file") ? "ini" : "sh"
            try write("# Own state\n\n```\(language) \(attributes)\n\(body)\n```\n", to: chapter.appendingPathComponent("01-own.md"))
            let before = try TreeManifest(root)
            for command in ["plan", "apply"] {
                let result = try RunbookBinary.run([command, "--runbook", chapter.path, "--root", root.path])
                XCTAssertEqual(result.status, 1, "\(attributes): \(result.all)")
                XCTAssertTrue(result.stderr.contains("01-own.md:3:"), result.stderr)
                XCTAssertTrue(result.stderr.contains(says), "\(attributes) should say \(says):\n\(result.stderr)")
            }
            XCTAssertEqual(try TreeManifest(root), before, "\(attributes): a refused step changed the root")
        }
    }
}
