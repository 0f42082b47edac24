import XCTest
import RunbookKit
import RunbookRender
import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookMarkdown
import RunbookHost

final class HostTests: XCTestCase {
    var root: String!

    override func setUpWithError() throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("host-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: root + "/etc/nginx/sites-available", withIntermediateDirectories: true)
        addTeardownBlock { [root] in try? FileManager.default.removeItem(atPath: root!) }
    }

    func testRootedPathsFollowLinksInsideTheRoot() throws {
        let host = RootedHost(root: root)
        try FileManager.default.createSymbolicLink(atPath: root + "/etc/alias", withDestinationPath: "/etc/nginx")
        XCTAssertEqual(try host.realPath("/etc/alias/sites-available/x"), root + "/etc/nginx/sites-available/x")
        XCTAssertEqual(try host.realPath("/etc/alias"), root + "/etc/alias", "the last component is not followed")
    }

    func testEscapesAreRefused() throws {
        let host = RootedHost(root: root)
        try FileManager.default.createSymbolicLink(atPath: root + "/etc/out", withDestinationPath: "../../tmp")
        XCTAssertThrowsError(try host.realPath("/etc/out/x")) { error in
            XCTAssertTrue("\(error)".contains("escapes the --root directory"), "\(error)")
        }
        XCTAssertThrowsError(try host.realPath("/../etc")) { error in
            XCTAssertTrue("\(error)".contains("climbs out of the --root directory"), "\(error)")
        }
    }

    func testALinkMadeThroughTheHostReroutesPathsResolvedBefore() throws {
        let host = RootedHost(root: root)
        XCTAssertEqual(try host.realPath("/etc/alias/x"), root + "/etc/alias/x")
        try host.makeSymlink("/etc/alias", target: "/etc/nginx")
        XCTAssertEqual(try host.realPath("/etc/alias/x"), root + "/etc/nginx/x", "the resolved directories were forgotten")
        try host.remove("/etc/alias")
        XCTAssertEqual(try host.realPath("/etc/alias/x"), root + "/etc/alias/x")
    }

    func testPathNames() {
        XCTAssertEqual("/etc/nginx/x.conf".parentDirectory, "/etc/nginx")
        XCTAssertEqual("/etc".parentDirectory, "/")
        XCTAssertEqual("/".parentDirectory, "/")
        XCTAssertEqual("/etc/nginx/".parentDirectory, "/etc")
        XCTAssertEqual("/etc/nginx/x.conf".baseName, "x.conf")
        XCTAssertEqual("/".baseName, "/")
        XCTAssertEqual("/tmp/\u{301}x".parentDirectory, "/tmp", "a combining mark after a slash leaves it a separator")
        XCTAssertEqual("/tmp/\u{301}x".baseName, "\u{301}x")
    }

    func testInstalledPackagesComeFromDpkgStatus() throws {
        try FileManager.default.createDirectory(atPath: root + "/var/lib/dpkg", withIntermediateDirectories: true)
        try Data("""
            Package: nginx
            Status: install ok installed
            Architecture: amd64

            Package: curl
            Status: hold ok installed

            Package: certbot
            Status: deinstall ok config-files

            Package: libc6
            Status: install ok installed
            Multi-Arch: same
            """.utf8).write(to: URL(fileURLWithPath: root + "/var/lib/dpkg/status"))
        let packages = try InstalledPackages(host: RootedHost(root: root))
        XCTAssertTrue(packages.contains("nginx"))
        XCTAssertTrue(packages.contains("curl"), "a held package is installed")
        XCTAssertFalse(packages.contains("certbot"), "only its configuration files are left")
        XCTAssertTrue(packages.contains("libc6:amd64"), "the last paragraph counts without a blank line after it")
        XCTAssertFalse(packages.contains("openssl"))
    }

    func testAProgramThatStopsReadingItsInputDoesNotKillUs() throws {
        let launcher = ProcessLauncher()
        let result = try launcher.run(executable: "/bin/true", arguments: [], input: Data(count: 4 << 20))
        XCTAssertEqual(result.status, 0)
        // ...and the programs it starts still die of SIGPIPE as usual: signal 13 is not ignored there.
        let status = try launcher.run(executable: "/bin/grep", arguments: ["SigIgn", "/proc/self/status"])
        let mask = String(decoding: status.standardOutput, as: UTF8.self).split(separator: "\t").last
            .flatMap { UInt64($0.trimmingCharacters(in: .whitespacesAndNewlines), radix: 16) }
        XCTAssertEqual(try XCTUnwrap(mask) & (1 << 12), 0)
    }

    func testAtomicWriteLeavesNoTemporaryFile() throws {
        let host = RootedHost(root: root)
        try host.writeAtomically("/etc/nginx/a.conf", data: Data("one\n".utf8), mode: 0o640)
        try host.writeAtomically("/etc/nginx/a.conf", data: Data("two\n".utf8), mode: 0o640)
        XCTAssertEqual(try host.read("/etc/nginx/a.conf"), Data("two\n".utf8))
        XCTAssertEqual(try host.status("/etc/nginx/a.conf")?.mode, 0o640)
        XCTAssertEqual(try host.list("/etc/nginx"), ["a.conf", "sites-available"])
    }

    func testSHA256KnownAnswers() {
        XCTAssertEqual(SHA256.hex(Data()), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        XCTAssertEqual(SHA256.hex(Data("abc".utf8)), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        XCTAssertEqual(SHA256.hex(Data(repeating: 0x61, count: 1000)),
                       "41edece42d63e8d9bf515a9ba6932e1c20cbc9f5a5d134645adb5db1b9737ea3")
    }

    func testRedactorMasksSecretsAndTheirJSONForm() {
        let redactor = Redactor(secrets: ["s3cr\"et", "abc"])
        XCTAssertEqual(redactor.redact("k=s3cr\"et j=\"s3cr\\\"et\" abc"), "k=******** j=\"********\" ********")
    }
}
