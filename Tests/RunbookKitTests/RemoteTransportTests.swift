import Foundation
import XCTest
import RunbookRemote
import RunbookHost

/// The pieces of `--host` that need no server: the host word, and the runbook's stream.
final class RemoteTransportTests: XCTestCase {
    func testHostWordsAreReadAsSSHWouldTakeThem() throws {
        let cases: [(String, String?, String, Int?)] = [
            ("web-1", nil, "web-1", nil), ("root@10.0.0.7", "root", "10.0.0.7", nil), ("deploy@web-1.example.com:2222", "deploy", "web-1.example.com", 2222),
            ("[2001:db8::7]:22", nil, "2001:db8::7", 22), ("ops@[::1]", "ops", "::1", nil),
        ]
        for (word, user, name, port) in cases {
            let target = try SSHTarget(parsing: word)
            XCTAssertEqual([target.user, target.name, target.port.map(String.init)], [user, name, port.map(String.init)], word)
            XCTAssertEqual(target.description, word)
        }
        for word in ["", "-oProxyCommand=sh", "root@", "@web", "web:0", "web:http", "we b", "web;id", "root@-x", "[::1", "web:22:22"] {
            XCTAssertThrowsError(try SSHTarget(parsing: word), word)
        }
    }

    func testSSHsWordsAreShownWithoutItsCarriageReturns() {
        let said = Data("Warning: something\r\nssh: connect to host 10.0.0.7 port 22: Connection refused\r\n".utf8)
        XCTAssertEqual(SSHConnection.lastWords(said), "Warning: something; ssh: connect to host 10.0.0.7 port 22: Connection refused")
    }

    func testTheStreamIsTheSameBytesForTheSameFilesAndUnpacksToThem() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("archive-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("sub"), withIntermediateDirectories: true)
        let chapters = ["01-a.md": "# A\n", "02-b.md": String(repeating: "line\n", count: 300), "README.md": ""]
        for (name, text) in chapters { try Data(text.utf8).write(to: folder.appendingPathComponent(name)) }
        try Data("hidden".utf8).write(to: folder.appendingPathComponent(".git-keep"))
        try Data("nested".utf8).write(to: folder.appendingPathComponent("sub/nested.md"))

        let archive = try RunbookArchive.make(directory: folder.path)
        XCTAssertEqual(archive, try RunbookArchive.make(directory: folder.path))
        XCTAssertEqual(archive.bytes.count % 512, 0)
        let unpacked = folder.appendingPathComponent("unpacked")
        try FileManager.default.createDirectory(at: unpacked, withIntermediateDirectories: false)
        try archive.unpack(into: unpacked.path)
        XCTAssertEqual(try FileManager.default.contentsOfDirectory(atPath: unpacked.path).sorted(), chapters.keys.sorted())
        for (name, text) in chapters {
            XCTAssertEqual(try String(contentsOf: unpacked.appendingPathComponent(name), encoding: .utf8), text)
        }

        var damaged = archive.bytes
        damaged[3] ^= 0x20
        XCTAssertThrowsError(try RunbookArchive(bytes: damaged).unpack(into: unpacked.path))
        XCTAssertThrowsError(try RunbookArchive(bytes: archive.bytes.prefix(600)).unpack(into: unpacked.path))
    }
}
