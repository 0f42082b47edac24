import XCTest
import RunbookKit
import RunbookRender
import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookMarkdown
import RunbookHost

/// Target paths under `--root` are walked through directory descriptors, links followed inside
/// the root only; the final operation never follows a link at its name; state files are opened
/// without following links.
final class RootWalkTests: XCTestCase {
    var base: String!
    var root: String!
    var outside: String!

    override func setUpWithError() throws {
        base = FileManager.default.temporaryDirectory.appendingPathComponent("walk-\(UUID().uuidString)").path
        root = base + "/root"
        outside = base + "/outside"
        for directory in [root + "/etc/nginx/sites-available", root + "/etc/app", outside + "/dir"] {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        }
        try Data("outside\n".utf8).write(to: URL(fileURLWithPath: outside + "/file"))
        chmod(outside + "/file", 0o644)
        addTeardownBlock { [base] in try? FileManager.default.removeItem(atPath: base!) }
    }

    /// Every entry under the outside directory, with type, mode and content.
    func outsideTree() throws -> [String: String] {
        var tree: [String: String] = [:]
        for name in try FileManager.default.subpathsOfDirectory(atPath: outside) + [""] {
            let path = outside + (name.isEmpty ? "" : "/" + name)
            var info = stat()
            XCTAssertEqual(lstat(path, &info), 0)
            let content = (info.st_mode & S_IFMT) == S_IFREG ? SHA256.hex(try Data(contentsOf: URL(fileURLWithPath: path))) : ""
            tree[name] = "\(info.st_mode) \(info.st_uid) \(content)"
        }
        return tree
    }

    func testLinksInsideTheRootAreFollowedForEveryOperation() throws {
        let host = RootedHost(root: root)
        try FileManager.default.createSymbolicLink(atPath: root + "/etc/alias", withDestinationPath: "/etc/nginx")
        try FileManager.default.createSymbolicLink(atPath: root + "/etc/nginx/relative", withDestinationPath: "../app")
        try host.writeAtomically("/etc/alias/sites-available/site", data: Data("site\n".utf8), mode: 0o640)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: root + "/etc/nginx/sites-available/site")), Data("site\n".utf8))
        try host.makeDirectory("/etc/alias/relative/conf.d", mode: 0o750)
        XCTAssertEqual(try host.status("/etc/app/conf.d")?.mode, 0o750)
        try host.makeSymlink("/etc/alias/relative/current", target: "/etc/nginx/sites-available/site")
        XCTAssertEqual(try host.read("/etc/app/current"), Data("site\n".utf8), "read follows the last link inside the root")
        try host.setMode("/etc/alias/sites-available/site", mode: 0o600)
        XCTAssertEqual(try host.status("/etc/nginx/sites-available/site")?.mode, 0o600)
        XCTAssertEqual(try host.list("/etc/alias/relative"), ["conf.d", "current"])
        try host.remove("/etc/alias/relative/current")
        XCTAssertNil(try host.status("/etc/app/current"))
        XCTAssertEqual(try host.realPath("/etc/alias/relative/missing/deeper"), root + "/etc/app/missing/deeper",
                       "below a missing directory the path is taken as written")
    }

    /// A link whose last hop leaves the root is refused, and an absolute one means ROOT/...: no
    /// operation reads, writes or changes the outside.
    func testLinksOutOfTheRootReachNothingOutside() throws {
        let before = try outsideTree()
        let host = RootedHost(root: root)
        let relative = String(repeating: "../", count: 2) + "outside"
        try FileManager.default.createSymbolicLink(atPath: root + "/etc/up", withDestinationPath: relative)
        try FileManager.default.createSymbolicLink(atPath: root + "/etc/absolute", withDestinationPath: outside)
        try FileManager.default.createSymbolicLink(atPath: root + "/etc/app/file-link", withDestinationPath: "../../../outside/file")
        for directory in ["/etc/up", "/etc/absolute"] {
            XCTAssertThrowsError(try host.writeAtomically(directory + "/file", data: Data("x".utf8), mode: 0o666))
            XCTAssertThrowsError(try host.makeDirectory(directory + "/new", mode: 0o777))
            XCTAssertThrowsError(try host.makeSymlink(directory + "/new-link", target: "/"))
            XCTAssertThrowsError(try host.remove(directory + "/file"))
            XCTAssertThrowsError(try host.setMode(directory + "/file", mode: 0o777))
            XCTAssertThrowsError(try host.read(directory + "/file"))
            XCTAssertThrowsError(try host.list(directory + "/dir"))
        }
        XCTAssertThrowsError(try host.read("/etc/app/file-link")) { error in
            XCTAssertTrue("\(error)".contains("escapes the --root directory"), "\(error)")
        }
        XCTAssertThrowsError(try host.setMode("/etc/app/file-link", mode: 0o777)) { error in
            XCTAssertTrue("\(error)".contains("it is a symbolic link"), "\(error)")
        }
        XCTAssertEqual(try outsideTree(), before)
        XCTAssertEqual(try host.status("/etc/app/file-link")?.kind, .symlink, "the link itself is still managed")
    }

    /// A directory swapped for a link after the walk opened it: the write goes into the directory
    /// that was opened (still inside the root), not through the link.
    func testAnOpenedDirectoryIsWrittenEvenWhenSwappedForALink() throws {
        let before = try outsideTree()
        let walk = RootedHost(root: root).walk
        let entry = try walk.resolve("/etc/app/app.conf", followingLast: false).entry
        XCTAssertEqual(rename(root + "/etc/app", root + "/etc/app-moved"), 0)
        try FileManager.default.createSymbolicLink(atPath: root + "/etc/app", withDestinationPath: outside + "/dir")
        try FileSystem().writeAtomically(entry, data: Data("app\n".utf8), mode: 0o644)
        XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: root + "/etc/app-moved/app.conf")), Data("app\n".utf8))
        XCTAssertEqual(try outsideTree(), before)
    }

    /// A link planted at the fixed temporary name is removed, never written through, on both hosts.
    func testALinkPlantedAtTheTemporaryNameCannotRedirectAWrite() throws {
        let before = try outsideTree()
        let hosts: [(any RunbookHost.Host, String, String)] = [(RootedHost(root: root), "/etc/app/a.conf", root + "/etc/app/a.conf"),
                                                   (LiveHost(), root + "/etc/app/b.conf", root + "/etc/app/b.conf")]
        for (host, path, real) in hosts {
            try FileManager.default.createSymbolicLink(atPath: FileSystem.temporaryPath(for: real), withDestinationPath: outside + "/file")
            try host.writeAtomically(path, data: Data("mine\n".utf8), mode: 0o600)
            XCTAssertEqual(try Data(contentsOf: URL(fileURLWithPath: real)), Data("mine\n".utf8), "\(host.displayName)")
            XCTAssertNil(try host.status(FileSystem.temporaryPath(for: path)), "\(host.displayName): no temporary file is left")
        }
        XCTAssertEqual(try outsideTree(), before)
    }

    func testStateFilesAreNeverOpenedThroughALink() throws {
        let before = try outsideTree()
        let state = StateDirectory(path: base + "/state")
        let directory = try state.openCreating()
        for name in ["lock", "secrets"] {
            XCTAssertEqual(symlinkat(outside + "/file", directory.descriptor, name), 0)
        }
        XCTAssertThrowsError(try StateLock(stateDirectory: state.path, command: "test")) { error in
            XCTAssertTrue("\(error)".contains("symbolic link"), "\(error)")
        }
        XCTAssertThrowsError(try state.storedSecrets())
        XCTAssertEqual(symlinkat(outside + "/dir", directory.descriptor, "blobs"), 0)
        XCTAssertThrowsError(try state.snapshots.storeBlob(Data("content".utf8))) { error in
            XCTAssertTrue("\(error)".contains("runbook never follows a link in its state directory"), "\(error)")
        }
        let header = SnapshotManifest(id: 1, kind: .apply, status: .running, startedAt: "now", finishedAt: nil, runbook: "r", target: "/",
                                      chapters: [], processID: getpid(), records: [], handlersRun: [], packagesInstalled: [],
                                      undoes: [], undoneBy: nil, failure: nil)
        XCTAssertEqual(symlinkat(outside + "/file", directory.descriptor, "journal.jsonl"), 0)
        XCTAssertThrowsError(try SnapshotJournal(DirectoryEntry(directory: directory, name: "journal.jsonl", displayPath: "journal"),
                                                 header: header))
        XCTAssertEqual(try outsideTree(), before)
    }
}
