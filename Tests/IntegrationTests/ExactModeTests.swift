import Foundation
import Glibc
import XCTest

/// Exact means exact: a setuid, setgid or sticky mode survives a write, an owner change and a
/// rollback; a rollback under `--root` (run as root) gives a file back its owner; a special file
/// runbook could not bring back is never removed; a secret file is private from its first write.
final class ExactModeTests: XCTestCase {
    func sandbox(_ chapter: String) throws -> (root: URL, arguments: [String]) {
        try makeRootedSandbox(self, "exact", chapter: chapter, file: "01-exact.md", directory: "etc")
    }

    func status(_ url: URL) throws -> stat {
        var info = stat()
        guard lstat(url.path, &info) == 0 else { throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: url.path]) }
        return info
    }

    func chown(_ url: URL, _ uid: uid_t, _ gid: gid_t) throws {
        guard lchown(url.path, uid, gid) == 0 else { throw CocoaError(.fileWriteNoPermission) }
    }

    func testSetuidSetgidAndStickyModesSurviveAnOwnedFileBeingReplaced() throws {
        try XCTSkipUnless(geteuid() == 0, "owners can only be kept by root")
        let (root, arguments) = try sandbox("""
            # Special modes

            ```ini file=/usr/local/bin/tool mode=4755
            new = 1
            ```

            ```ini file=/usr/local/bin/group-tool mode=2755
            new = 1
            ```

            ```ini file=/usr/local/bin/created mode=6750
            new = 1
            ```

            """)
        for name in ["tool", "group-tool"] {
            let url = root.appendingPathComponent("usr/local/bin/\(name)")
            try write("old = 1\n", to: url, mode: 0o755)
            try chown(url, 1000, 1000)
        }
        XCTAssertEqual(try RunbookBinary.run(["apply"] + arguments).status, 0)
        for (name, mode, uid) in [("tool", 0o4755, 1000), ("group-tool", 0o2755, 1000), ("created", 0o6750, 0)] {
            let info = try status(root.appendingPathComponent("usr/local/bin/\(name)"))
            XCTAssertEqual(String(info.st_mode & 0o7777, radix: 8), String(mode, radix: 8), "\(name) lost a special bit")
            XCTAssertEqual(Int(info.st_uid), uid, "\(name) changed owner")
        }
        let plan = try RunbookBinary.run(["plan"] + arguments)
        XCTAssertEqual(plan.status, 0, "the next plan wants to change the mode again:\n\(plan.all)")
    }

    /// Removed, then rolled back: each comes back with its mode and its owner, including the
    /// bits chown clears, and a file owned by a user is not handed to root.
    func testARollbackRestoresSpecialModesAndOwnersUnderRoot() throws {
        try XCTSkipUnless(geteuid() == 0, "owners can only be restored by root")
        let (root, arguments) = try sandbox("""
            # Removals

            ```sh absent=/usr/local/bin/tool
            rm /usr/local/bin/tool
            ```

            ```sh absent=/home/ops/.ssh/authorized_keys
            rm /home/ops/.ssh/authorized_keys
            ```

            ```sh absent=/srv/shared
            rm -r /srv/shared
            ```

            ```ini file=/usr/local/bin/edited
            new = 1
            ```

            """)
        let tool = root.appendingPathComponent("usr/local/bin/tool")
        try write("binary\n", to: tool, mode: 0o755)
        try chown(tool, 1000, 1000)
        XCTAssertEqual(Glibc.chmod(tool.path, 0o4755), 0)
        let edited = root.appendingPathComponent("usr/local/bin/edited")
        try write("old = 1\n", to: edited, mode: 0o755)
        try chown(edited, 0, 1000)
        XCTAssertEqual(Glibc.chmod(edited.path, 0o2755), 0)
        let keys = root.appendingPathComponent("home/ops/.ssh/authorized_keys")
        try write("ssh-ed25519 AAAA ops\n", to: keys, mode: 0o600)
        try chown(keys, 1000, 1000)
        let shared = root.appendingPathComponent("srv/shared")
        let tmp = shared.appendingPathComponent("tmp")
        let group = shared.appendingPathComponent("group")
        for directory in [tmp, group] { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) }
        XCTAssertEqual(Glibc.chmod(tmp.path, 0o1777), 0)
        XCTAssertEqual(Glibc.chmod(group.path, 0o2775), 0)
        try chown(group, 1000, 1000)
        try write("x\n", to: group.appendingPathComponent("setuid"), mode: 0o644)
        try chown(group.appendingPathComponent("setuid"), 1000, 1000)
        XCTAssertEqual(Glibc.chmod(group.appendingPathComponent("setuid").path, 0o4711), 0)

        let watched = [tool, edited, keys, tmp, group, group.appendingPathComponent("setuid")]
        func facts() throws -> [String] {
            try watched.map { url in
                let info = try status(url)
                return "\(url.lastPathComponent) \(String(info.st_mode & 0o7777, radix: 8)) \(info.st_uid):\(info.st_gid)"
            }
        }
        let before = try facts()
        let tree = try TreeManifest(root)
        XCTAssertEqual(try RunbookBinary.run(["apply"] + arguments).status, 0)
        XCTAssertFalse(FileManager.default.fileExists(atPath: keys.path))
        let rollback = try RunbookBinary.run(["rollback"] + arguments)
        XCTAssertEqual(rollback.status, 0, rollback.all)
        XCTAssertEqual(try facts(), before, "rollback lost a mode bit or an owner")
        let after = try TreeManifest(root)
        XCTAssertEqual(after, tree, after.difference(from: tree))
    }

    static let removals = """
        # Special files

        ```sh absent=/run/app/control
        rm /run/app/control
        ```

        """

    /// A FIFO, a socket or a device, at the path or anywhere under it, is refused at plan time:
    /// a snapshot cannot keep it, so a rollback could not honestly say it was restored.
    func testRemovingASpecialFileIsRefusedAtPlanTime() throws {
        let makers: [(String, (URL) throws -> Void)] = [
            ("a FIFO", { url in XCTAssertEqual(mkfifo(url.path, 0o600), 0) }),
            ("a socket", { url in try Self.bindSocket(at: url) }),
            ("a FIFO in a directory", { url in
                try FileManager.default.createDirectory(at: url.appendingPathComponent("inner"), withIntermediateDirectories: true)
                try write("plain\n", to: url.appendingPathComponent("inner/a.txt"))
                XCTAssertEqual(mkfifo(url.appendingPathComponent("inner/pipe").path, 0o600), 0)
            }),
        ]
        for (what, make) in makers {
            let (root, arguments) = try sandbox(Self.removals)
            let control = root.appendingPathComponent("run/app/control")
            try FileManager.default.createDirectory(at: control.deletingLastPathComponent(), withIntermediateDirectories: true)
            try make(control)
            let before = try TreeManifest(root)
            for command in ["plan", "apply"] {
                let result = try RunbookBinary.run([command] + arguments)
                XCTAssertEqual(result.status, 1, "\(what): \(result.all)")
                XCTAssertTrue(result.stderr.contains("01-exact.md:3:1: error: absent=/run/app/control would remove /run/app/control"),
                              "\(what): \(result.stderr)")
                XCTAssertTrue(result.stderr.contains("a special file (a FIFO, socket or device)"), "\(what): \(result.stderr)")
            }
            XCTAssertEqual(try TreeManifest(root), before, "\(what) changed")
            var info = stat()
            XCTAssertEqual(lstat(what.hasSuffix("directory") ? control.appendingPathComponent("inner/pipe").path : control.path, &info), 0,
                           "\(what) was removed")
        }
    }

    /// file= over a FIFO is refused without opening it: an open would block until a writer came.
    func testAFileOverAFIFOIsRefusedWithoutBlocking() throws {
        let (root, arguments) = try sandbox("""
            # Over a FIFO

            ```ini file=/etc/app.conf
            a = 1
            ```

            """)
        XCTAssertEqual(mkfifo(root.appendingPathComponent("etc/app.conf").path, 0o644), 0)
        for command in ["plan", "apply"] {
            let result = try RunbookBinary.run([command] + arguments)
            XCTAssertEqual(result.status, 1, result.all)
            XCTAssertTrue(result.stderr.contains("/etc/app.conf is a special file, not a file"), result.stderr)
        }
    }

    /// FORMAT.md's 0600 for a file holding a secret, for the case SecretLeakTests leaves out: a new file.
    func testANewFileHoldingASecretIsPrivate() throws {
        let (root, arguments) = try sandbox("""
            # Keys

            ```text vars
            key  secret generated=32  about="A generated key"
            ```

            ```ini file=/etc/new-key.conf
            key = {{key}}
            ```

            """)
        XCTAssertEqual(try RunbookBinary.run(["apply"] + arguments).status, 0)
        XCTAssertEqual(try status(root.appendingPathComponent("etc/new-key.conf")).st_mode & 0o7777, 0o600)
    }

    static func bindSocket(at url: URL) throws {
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let path = Array(url.path.utf8CString)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in path.prefix(raw.count - 1).enumerated() { raw[index] = UInt8(bitPattern: byte) }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { throw CocoaError(.fileWriteUnknown) }
    }
}
