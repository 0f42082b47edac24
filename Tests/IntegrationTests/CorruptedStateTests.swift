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

/// The corrupted-state corpus: a state directory made by two real applies, then damaged in one
/// way (a table of named corruptions: truncated, garbage and wrong-type JSON in each state file,
/// missing and altered blobs, wrong modes and owners, absurd snapshot ids, files where folders
/// belong). Every command that reads the damaged file refuses: exit 1, a message that names the
/// file and says what to do, no secret, and the target tree and state directory byte for byte as
/// they were. runbook never guesses past state it cannot trust.
final class CorruptedStateTests: XCTestCase {
    static let runbook = RunbookBinary.fixtures.appendingPathComponent("runbooks/basic").path

    /// Two applies: snapshot 1 creates the app, snapshot 2 changes its configuration and page.
    struct Sandbox: Sendable {
        let base: URL
        var root: URL { base.appendingPathComponent("root") }
        var state: URL { base.appendingPathComponent("state") }
        func at(_ relative: String) -> URL { state.appendingPathComponent(relative) }
        var journal: URL { at("snapshots/000002/journal.jsonl") }
        var manifest: URL { at("snapshots/000002/manifest.json") }
        var secret: String {
            get throws {
                let stored = try JSONSerialization.jsonObject(with: Data(contentsOf: at("secrets"))) as? [String: String]
                return try XCTUnwrap(stored?["secret"])
            }
        }

        /// The blob of app.conf as snapshot 1 left it, which rolling back snapshot 2 puts back.
        var restoredBlob: String {
            get throws {
                let manifest = try JSONSerialization.jsonObject(with: Data(contentsOf: self.manifest)) as? [String: Any]
                let records = try XCTUnwrap(manifest?["records"] as? [[String: Any]])
                let config = try XCTUnwrap(records.first { ($0["path"] as? String) == "/etc/demo/app.conf" })
                return "blobs/" + (try XCTUnwrap((config["before"] as? [String: Any])?["sha256"] as? String))
            }
        }

        func command(_ words: [String]) -> [String] {
            words + (words[0] == "snapshots" ? [] : ["--runbook", CorruptedStateTests.runbook])
                + ["--root", root.path, "--state-dir", state.path]
        }
    }

    struct Corruption: Sendable {
        var name: String
        /// The file the message must name, relative to the state directory (a journal adds `:LINE`).
        var names: String
        /// Words of the hint: what the operator is told to do.
        var saying: String
        var readers: [[String]]
        var corrupt: @Sendable (Sandbox) throws -> Void
    }

    static let snapshotReaders = [["plan"], ["apply"], ["rollback"], ["rollback", "1"], ["snapshots"], ["snapshots", "show", "2"]]
    /// `check` reads the state directory and the secrets in it, never a snapshot.
    static let everyReader = [["check"]] + snapshotReaders
    /// A stray name in `snapshots/` is met by every command that lists the snapshots.
    static let listers = Array(snapshotReaders.dropLast())
    /// Only a rollback reads blobs.
    static let blobReaders = [["rollback"], ["rollback", "1"]]

    func makeSandbox() throws -> Sandbox {
        let sandbox = Sandbox(base: try makeTemporaryDirectory(self, "corrupted-state"))
        try write("127.0.0.1 localhost\n", to: sandbox.root.appendingPathComponent("etc/hosts"))
        for variables in [[], ["--var", "port=9090", "--var", "mode=fancy"]] {
            let applied = try RunbookBinary.run(sandbox.command(["apply"]) + variables)
            XCTAssertEqual(applied.status, 0, applied.all)
        }
        return sandbox
    }

    func copy(_ sandbox: Sandbox) throws -> Sandbox {
        let copy = Sandbox(base: try makeTemporaryDirectory(self, "corrupted-state-case"))
        try FileManager.default.removeItem(at: copy.base)
        let result = try Subprocess.run("/bin/cp", ["-a", sandbox.base.path, copy.base.path])
        XCTAssertEqual(result.status, 0, result.all)
        return copy
    }

    static func replace(_ url: URL, with text: String) throws {
        try Data(text.utf8).write(to: url)
    }

    static func edit(_ url: URL, _ change: (String) -> String) throws {
        try replace(url, with: change(try String(contentsOf: url, encoding: .utf8)))
    }

    static func editLines(_ url: URL, _ change: (inout [String]) -> Void) throws {
        try edit(url) { text in
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            change(&lines)
            return lines.joined(separator: "\n")
        }
    }

    static func truncate(_ url: URL) throws {
        let data = try Data(contentsOf: url)
        try data.prefix(data.count / 2).write(to: url)
    }

    static func chmod(_ url: URL, _ mode: Int) throws {
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: url.path)
    }

    /// Left readable by all, so that the test can still hash it (root may not read another user's
    /// private file here): it is refused for its owner, which runbook checks first.
    static func giveToNobody(_ url: URL) throws {
        let nobody = try XCTUnwrap(getpwnam("nobody"), "the test needs the user nobody").pointee
        XCTAssertEqual(lchown(url.path, nobody.pw_uid, nobody.pw_gid), 0, "the test runs as root, to chown state files")
        try chmod(url, url.hasDirectoryPath || (try? url.resourceValues(forKeys: [.isDirectoryKey]).isDirectory) == true ? 0o755 : 0o644)
    }

    static func replaceWithFIFO(_ url: URL) throws {
        try FileManager.default.removeItem(at: url)
        XCTAssertEqual(mkfifo(url.path, 0o600), 0)
    }

    static func replaceWithDirectory(_ url: URL) throws {
        try FileManager.default.removeItem(at: url)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
    }

    /// Changes app.conf's record in snapshot 2's manifest.
    static func editConfigRecord(_ change: @escaping @Sendable (inout [String: Any]) -> Void) -> @Sendable (Sandbox) throws -> Void {
        { sandbox in
            var manifest = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(contentsOf: sandbox.manifest)) as? [String: Any])
            var records = try XCTUnwrap(manifest["records"] as? [[String: Any]])
            let index = try XCTUnwrap(records.firstIndex { ($0["path"] as? String) == "/etc/demo/app.conf" })
            change(&records[index])
            manifest["records"] = records
            try JSONSerialization.data(withJSONObject: manifest, options: [.prettyPrinted, .sortedKeys]).write(to: sandbox.manifest)
        }
    }

    static func without(_ key: String, in state: String) -> @Sendable (inout [String: Any]) -> Void {
        { record in
            var changed = record[state] as? [String: Any] ?? [:]
            changed[key] = nil
            record[state] = changed
        }
    }

    static func folder(_ name: String) -> @Sendable (Sandbox) throws -> Void {
        { try FileManager.default.createDirectory(at: $0.at("snapshots/" + name), withIntermediateDirectories: false,
                                                  attributes: [.posixPermissions: 0o700]) }
    }

    /// Removes snapshot 2's manifest, so its journal is what records it, then changes the journal.
    static func journal(_ change: @escaping @Sendable (inout [String]) -> Void) -> @Sendable (Sandbox) throws -> Void {
        { sandbox in
            try FileManager.default.removeItem(at: sandbox.manifest)
            try editLines(sandbox.journal, change)
        }
    }

    static func withoutManifest(_ change: @escaping @Sendable (Sandbox) throws -> Void) -> @Sendable (Sandbox) throws -> Void {
        { sandbox in
            try FileManager.default.removeItem(at: sandbox.manifest)
            try change(sandbox)
        }
    }

    static let restoreHint = "restore it from a backup"
    static let journalHint = "runbook will not guess what that line recorded"

    static let corpus: [Corruption] = [
        // The generated secrets.
        Corruption(name: "secrets truncated", names: "secrets", saying: restoreHint, readers: everyReader) { try truncate($0.at("secrets")) },
        Corruption(name: "secrets empty", names: "secrets", saying: restoreHint, readers: everyReader) { try replace($0.at("secrets"), with: "") },
        Corruption(name: "secrets garbage", names: "secrets", saying: restoreHint, readers: everyReader) {
            try Data([0x00, 0xFF, 0x7B, 0x22, 0x80]).write(to: $0.at("secrets"))
        },
        Corruption(name: "secrets a list", names: "secrets", saying: restoreHint, readers: everyReader) {
            try edit($0.at("secrets")) { "[\($0)]" }
        },
        Corruption(name: "secrets value a number", names: "secrets", saying: restoreHint, readers: everyReader) {
            try replace($0.at("secrets"), with: "{\"secret\":12345678901234567890}")
        },
        Corruption(name: "secrets mode 0644", names: "secrets", saying: "chmod 0600", readers: everyReader) { try chmod($0.at("secrets"), 0o644) },
        Corruption(name: "secrets owned by nobody", names: "secrets", saying: "chown", readers: everyReader) { try giveToNobody($0.at("secrets")) },
        Corruption(name: "secrets a directory", names: "secrets", saying: "move it out", readers: everyReader) {
            try replaceWithDirectory($0.at("secrets"))
        },
        Corruption(name: "secrets a link to a copy", names: "secrets", saying: "move it out", readers: everyReader) { sandbox in
            try FileManager.default.moveItem(at: sandbox.at("secrets"), to: sandbox.base.appendingPathComponent("secrets"))
            try FileManager.default.createSymbolicLink(atPath: sandbox.at("secrets").path, withDestinationPath: "../secrets")
        },
        Corruption(name: "secrets a FIFO", names: "secrets", saying: "move it out", readers: everyReader) { try replaceWithFIFO($0.at("secrets")) },

        Corruption(name: "secret empty", names: "secrets", saying: restoreHint, readers: everyReader) {
            try replace($0.at("secrets"), with: "{\"secret\":\"\"}")
        },
        Corruption(name: "secret one character", names: "secrets", saying: restoreHint, readers: everyReader) {
            try replace($0.at("secrets"), with: "{\"secret\":\"a\"}")
        },
        Corruption(name: "secret with a line break", names: "secrets", saying: restoreHint, readers: everyReader) {
            try edit($0.at("secrets")) { $0.replacingOccurrences(of: "\"}", with: "\\n\"}") }
        },
        Corruption(name: "secret not hexadecimal", names: "secrets", saying: restoreHint, readers: everyReader) {
            try replace($0.at("secrets"), with: "{\"secret\":\"\(String(repeating: "z", count: 64))\"}")
        },

        // The values kept from the second apply (--var port=9090 --var mode=fancy).
        Corruption(name: "kept values truncated", names: "variables", saying: restoreHint, readers: everyReader) { try truncate($0.at("variables")) },
        Corruption(name: "kept values a list", names: "variables", saying: restoreHint, readers: everyReader) {
            try edit($0.at("variables")) { "[\($0)]" }
        },
        Corruption(name: "kept value a number", names: "variables", saying: restoreHint, readers: everyReader) {
            try edit($0.at("variables")) { $0.replacingOccurrences(of: "\"value\":\"9090\"", with: "\"value\":9090") }
        },
        Corruption(name: "kept value under no variable name", names: "variables", saying: restoreHint, readers: everyReader) {
            try edit($0.at("variables")) { $0.replacingOccurrences(of: "\"port\":", with: "\"port number\":") }
        },
        Corruption(name: "kept secret with a line break", names: "variables", saying: restoreHint, readers: everyReader) {
            try replace($0.at("variables"), with: "{\"secret\":{\"keptAt\":\"x\",\"secret\":true,\"value\":\"two\\nlines\"}}")
        },
        Corruption(name: "kept values mode 0644", names: "variables", saying: "chmod 0600", readers: everyReader) { try chmod($0.at("variables"), 0o644) },
        Corruption(name: "kept values a link to a copy", names: "variables", saying: "move it out", readers: everyReader) { sandbox in
            try FileManager.default.moveItem(at: sandbox.at("variables"), to: sandbox.base.appendingPathComponent("variables"))
            try FileManager.default.createSymbolicLink(atPath: sandbox.at("variables").path, withDestinationPath: "../variables")
        },

        // The lock, which apply and rollback take.
        Corruption(name: "lock a directory", names: "lock", saying: "move it out", readers: [["apply"], ["rollback"], ["rollback", "1"]]) {
            try replaceWithDirectory($0.at("lock"))
        },
        Corruption(name: "lock a FIFO", names: "lock", saying: "move it out", readers: [["apply"], ["rollback"], ["rollback", "1"]]) {
            try replaceWithFIFO($0.at("lock"))
        },
        Corruption(name: "lock a link", names: "lock", saying: "move it out", readers: [["apply"], ["rollback"], ["rollback", "1"]]) {
            try FileManager.default.removeItem(at: $0.at("lock"))
            try FileManager.default.createSymbolicLink(atPath: $0.at("lock").path, withDestinationPath: "secrets")
        },

        // A finished snapshot's manifest.
        Corruption(name: "manifest: a relative path", names: "snapshots/000002/manifest.json", saying: restoreHint, readers: snapshotReaders,
                   corrupt: editConfigRecord { $0["path"] = "etc/demo/app.conf" }),
        Corruption(name: "manifest: a path with ..", names: "snapshots/000002/manifest.json", saying: restoreHint, readers: snapshotReaders,
                   corrupt: editConfigRecord { $0["path"] = "/etc/demo/../../root/.ssh/authorized_keys" }),
        Corruption(name: "manifest: a file without its hash", names: "snapshots/000002/manifest.json", saying: restoreHint,
                   readers: snapshotReaders, corrupt: editConfigRecord(without("sha256", in: "before"))),
        Corruption(name: "manifest: a file without its mode", names: "snapshots/000002/manifest.json", saying: restoreHint,
                   readers: snapshotReaders, corrupt: editConfigRecord(without("mode", in: "after"))),
        Corruption(name: "manifest truncated", names: "snapshots/000002/manifest.json", saying: restoreHint, readers: snapshotReaders) {
            try truncate($0.manifest)
        },
        Corruption(name: "manifest empty", names: "snapshots/000002/manifest.json", saying: restoreHint, readers: snapshotReaders) {
            try replace($0.manifest, with: "")
        },
        Corruption(name: "manifest garbage", names: "snapshots/000002/manifest.json", saying: restoreHint, readers: snapshotReaders) {
            try Data((0..<512).map { UInt8(truncatingIfNeeded: $0 &* 37) }).write(to: $0.manifest)
        },
        Corruption(name: "manifest a list", names: "snapshots/000002/manifest.json", saying: restoreHint, readers: snapshotReaders) {
            try replace($0.manifest, with: "[]")
        },
        Corruption(name: "manifest id a string", names: "snapshots/000002/manifest.json", saying: restoreHint, readers: snapshotReaders) {
            try edit($0.manifest) { $0.replacingOccurrences(of: "\"id\" : 2,", with: "\"id\" : \"2\",") }
        },
        Corruption(name: "manifest without records", names: "snapshots/000002/manifest.json", saying: restoreHint, readers: snapshotReaders) {
            try edit($0.manifest) { $0.replacingOccurrences(of: "\"records\"", with: "\"recrods\"") }
        },
        Corruption(name: "manifest status unknown", names: "snapshots/000002/manifest.json", saying: restoreHint, readers: snapshotReaders) {
            try edit($0.manifest) { $0.replacingOccurrences(of: "\"succeeded\"", with: "\"succeded\"") }
        },
        Corruption(name: "manifest of another snapshot", names: "snapshots/000002/manifest.json", saying: restoreHint, readers: snapshotReaders) {
            try FileManager.default.removeItem(at: $0.manifest)
            try FileManager.default.copyItem(at: $0.at("snapshots/000001/manifest.json"), to: $0.manifest)
        },
        Corruption(name: "manifest mode 0644", names: "snapshots/000002/manifest.json", saying: "chmod 0600", readers: snapshotReaders) {
            try chmod($0.manifest, 0o644)
        },
        Corruption(name: "manifest owned by nobody", names: "snapshots/000002/manifest.json", saying: "chown", readers: snapshotReaders) {
            try giveToNobody($0.manifest)
        },
        Corruption(name: "manifest a directory", names: "snapshots/000002/manifest.json", saying: "move it out", readers: snapshotReaders) {
            try replaceWithDirectory($0.manifest)
        },
        Corruption(name: "manifest a FIFO", names: "snapshots/000002/manifest.json", saying: "move it out", readers: snapshotReaders) {
            try replaceWithFIFO($0.manifest)
        },
        Corruption(name: "manifest a link to snapshot 1's", names: "snapshots/000002/manifest.json", saying: "move it out", readers: snapshotReaders) {
            try FileManager.default.removeItem(at: $0.manifest)
            try FileManager.default.createSymbolicLink(atPath: $0.manifest.path, withDestinationPath: "../000001/manifest.json")
        },
        Corruption(name: "manifest: a setuid mode past 07777", names: "snapshots/000002/manifest.json", saying: restoreHint,
                   readers: snapshotReaders, corrupt: editConfigRecord { record in
                       var before = record["before"] as? [String: Any] ?? [:]
                       before["mode"] = 0o104755
                       record["before"] = before
                   }),
        Corruption(name: "manifest names the blob ../secrets", names: "snapshots/000002/manifest.json", saying: restoreHint, readers: blobReaders) {
            try edit($0.manifest) { text in
                let hash = text.components(separatedBy: "\"sha256\" : \"")[1].prefix(64)
                return text.replacingOccurrences(of: String(hash), with: "../secrets")
            }
        },

        // The journal of a snapshot without a manifest (an apply killed midway, or the manifest moved away).
        Corruption(name: "journal: one flipped byte in line 2", names: "snapshots/000002/journal.jsonl:2", saying: journalHint,
                   readers: snapshotReaders, corrupt: journal { $0[1] = $0[1].replacingOccurrences(of: "\"before\"", with: "\"bef#re\"") }),
        Corruption(name: "journal: line 1 garbage", names: "snapshots/000002/journal.jsonl:1", saying: journalHint,
                   readers: snapshotReaders, corrupt: journal { $0[0] = "\u{1}garbage" }),
        Corruption(name: "journal: line 3 cut short", names: "snapshots/000002/journal.jsonl:3", saying: journalHint,
                   readers: snapshotReaders, corrupt: journal { $0[2] = String($0[2].prefix($0[2].count / 2)) }),
        Corruption(name: "journal: an empty line", names: "snapshots/000002/journal.jsonl:3", saying: journalHint,
                   readers: snapshotReaders, corrupt: journal { $0.insert("", at: 2) }),
        Corruption(name: "journal: a line that is a list", names: "snapshots/000002/journal.jsonl:2", saying: journalHint,
                   readers: snapshotReaders, corrupt: journal { $0[1] = "[]" }),
        Corruption(name: "journal: a path that is a number", names: "snapshots/000002/journal.jsonl:3", saying: journalHint,
                   readers: snapshotReaders, corrupt: journal { $0[2] = $0[2].replacingOccurrences(of: "\"path\":\"", with: "\"path\":7,\"x\":\"") }),
        Corruption(name: "journal: begins snapshot 1", names: "snapshots/000002/journal.jsonl:1", saying: journalHint,
                   readers: snapshotReaders, corrupt: journal { $0[0] = $0[0].replacingOccurrences(of: "\"id\":2,", with: "\"id\":1,") }),
        Corruption(name: "journal: begins twice", names: "snapshots/000002/journal.jsonl:3", saying: journalHint,
                   readers: snapshotReaders, corrupt: journal { $0.insert($0[0], at: 2) }),
        Corruption(name: "journal: a line before its begin", names: "snapshots/000002/journal.jsonl:1", saying: journalHint,
                   readers: snapshotReaders, corrupt: journal { $0.swapAt(0, 1) }),
        Corruption(name: "journal: an after line for no path", names: "snapshots/000002/journal.jsonl:3", saying: journalHint,
                   readers: snapshotReaders, corrupt: journal { $0[2] = $0[2].replacingOccurrences(of: "\"path\":\"\\/etc", with: "\"path\":\"\\/nowhere") }),
        Corruption(name: "journal: a relative path", names: "snapshots/000002/journal.jsonl", saying: restoreHint,
                   readers: snapshotReaders, corrupt: journal { lines in
                       for index in 1...2 { lines[index] = lines[index].replacingOccurrences(of: "\"path\":\"\\/", with: "\"path\":\"") }
                   }),
        Corruption(name: "journal mode 0644", names: "snapshots/000002/journal.jsonl", saying: "chmod 0600", readers: snapshotReaders,
                   corrupt: withoutManifest { try chmod($0.journal, 0o644) }),
        Corruption(name: "journal owned by nobody", names: "snapshots/000002/journal.jsonl", saying: "chown", readers: snapshotReaders,
                   corrupt: withoutManifest { try giveToNobody($0.journal) }),
        Corruption(name: "journal a link", names: "snapshots/000002/journal.jsonl", saying: "move it out", readers: snapshotReaders,
                   corrupt: withoutManifest { sandbox in
                       try FileManager.default.removeItem(at: sandbox.journal)
                       try FileManager.default.createSymbolicLink(atPath: sandbox.journal.path, withDestinationPath: "../000001/journal.jsonl")
                   }),
        Corruption(name: "journal a FIFO", names: "snapshots/000002/journal.jsonl", saying: "move it out", readers: snapshotReaders,
                   corrupt: withoutManifest { try replaceWithFIFO($0.journal) }),
        Corruption(name: "journal a directory", names: "snapshots/000002/journal.jsonl", saying: "move it out", readers: snapshotReaders,
                   corrupt: withoutManifest { try replaceWithDirectory($0.journal) }),

        // Names in snapshots/ that runbook never gives.
        Corruption(name: "snapshot id Int.max", names: "snapshots/9223372036854775807", saying: "move it out", readers: listers,
                   corrupt: folder("9223372036854775807")),
        Corruption(name: "snapshot id past Int.max", names: "snapshots/99999999999999999999", saying: "move it out", readers: listers,
                   corrupt: folder("99999999999999999999")),
        Corruption(name: "snapshot id beyond the largest", names: "snapshots/2147483648", saying: "move it out", readers: listers,
                   corrupt: folder("2147483648")),
        Corruption(name: "snapshot id negative", names: "snapshots/-000003", saying: "move it out", readers: listers, corrupt: folder("-000003")),
        Corruption(name: "snapshot id zero", names: "snapshots/000000", saying: "move it out", readers: listers, corrupt: folder("000000")),
        Corruption(name: "snapshot id with a plus", names: "snapshots/+00003", saying: "move it out", readers: listers, corrupt: folder("+00003")),
        Corruption(name: "snapshot id short", names: "snapshots/3", saying: "move it out", readers: listers, corrupt: folder("3")),
        Corruption(name: "snapshot id with an extra leading zero", names: "snapshots/0000003", saying: "move it out", readers: listers,
                   corrupt: folder("0000003")),
        Corruption(name: "snapshot not a number", names: "snapshots/latest", saying: "move it out", readers: listers, corrupt: folder("latest")),
        Corruption(name: "snapshot id with a space", names: "snapshots/000003 ", saying: "move it out", readers: listers, corrupt: folder("000003 ")),
        Corruption(name: "snapshot a file", names: "snapshots/000003", saying: "move it out", readers: listers) {
            try write("{}", to: $0.at("snapshots/000003"), mode: 0o600)
        },
        Corruption(name: "snapshot a link", names: "snapshots/000003", saying: "move it out", readers: listers) {
            try FileManager.default.createSymbolicLink(atPath: $0.at("snapshots/000003").path, withDestinationPath: "000002")
        },
        Corruption(name: "snapshot folder mode 0755", names: "snapshots/000002", saying: "chmod 0700", readers: listers) {
            try chmod($0.at("snapshots/000002"), 0o755)
        },
        Corruption(name: "snapshot folder owned by nobody", names: "snapshots/000002", saying: "chown", readers: listers) {
            try giveToNobody($0.at("snapshots/000002"))
        },
        Corruption(name: "snapshots/ mode 0777", names: "snapshots", saying: "chmod 0700", readers: snapshotReaders) {
            try chmod($0.at("snapshots"), 0o777)
        },
        Corruption(name: "snapshots/ a file", names: "snapshots", saying: "move it out", readers: snapshotReaders) {
            try FileManager.default.removeItem(at: $0.at("snapshots"))
            try write("", to: $0.at("snapshots"), mode: 0o600)
        },

        // Blobs, which only a rollback reads.
        Corruption(name: "blob missing", names: "<restored blob>", saying: restoreHint, readers: blobReaders) {
            try FileManager.default.removeItem(at: $0.at(try $0.restoredBlob))
        },
        Corruption(name: "blob with one byte changed", names: "<restored blob>", saying: restoreHint, readers: blobReaders) {
            try edit($0.at(try $0.restoredBlob)) { $0.replacingOccurrences(of: "8080", with: "8081") }
        },
        Corruption(name: "blob emptied", names: "<restored blob>", saying: restoreHint, readers: blobReaders) {
            try replace($0.at(try $0.restoredBlob), with: "")
        },
        Corruption(name: "blob mode 0644", names: "<restored blob>", saying: "chmod 0600", readers: blobReaders) {
            try chmod($0.at(try $0.restoredBlob), 0o644)
        },
        Corruption(name: "blob owned by nobody", names: "<restored blob>", saying: "chown", readers: blobReaders) {
            try giveToNobody($0.at(try $0.restoredBlob))
        },
        Corruption(name: "blob a link to another blob", names: "<restored blob>", saying: "move it out", readers: blobReaders) { sandbox in
            let blob = sandbox.at(try sandbox.restoredBlob)
            let other = try XCTUnwrap(try FileManager.default.contentsOfDirectory(atPath: sandbox.at("blobs").path).first { $0 != blob.lastPathComponent })
            try FileManager.default.removeItem(at: blob)
            try FileManager.default.createSymbolicLink(atPath: blob.path, withDestinationPath: other)
        },
        Corruption(name: "blob a FIFO", names: "<restored blob>", saying: "move it out", readers: blobReaders) {
            try replaceWithFIFO($0.at(try $0.restoredBlob))
        },
        Corruption(name: "blobs/ mode 0755", names: "blobs", saying: "chmod 0700", readers: blobReaders) { try chmod($0.at("blobs"), 0o755) },

        // The state directory itself.
        Corruption(name: "state directory mode 0777", names: "", saying: "chmod 0700", readers: everyReader) { try chmod($0.state, 0o777) },
        Corruption(name: "state directory mode 0775", names: "", saying: "chmod 0700", readers: everyReader) { try chmod($0.state, 0o775) },
    ]

    func testEveryCorruptionIsRefusedByEveryReaderAndChangesNothing() throws {
        let pristine = try makeSandbox()
        var runs = 0, refused = 0, changed = 0
        for corruption in Self.corpus {
            let sandbox = try copy(pristine)
            let secret = try sandbox.secret
            let named = corruption.names == "<restored blob>" ? try sandbox.restoredBlob : corruption.names
            try corruption.corrupt(sandbox)
            let path = named.isEmpty ? sandbox.state.path : sandbox.state.path + "/" + named
            let before = try TreeManifest(sandbox.base)
            let owner = Self.owner(path.components(separatedBy: ":").first!)
            for words in corruption.readers {
                let label = "\(corruption.name): `runbook \(words.joined(separator: " "))`"
                runs += 1
                let result = try RunbookBinary.run(sandbox.command(words))
                let errorLine = result.stderr.split(separator: "\n").first { $0.contains(": error: ") } ?? ""
                if result.status == 1 { refused += 1 }
                XCTAssertEqual(result.status, 1, "\(label) should refuse:\n\(result.all)")
                // The state directory itself is named as the flag that gave it.
                let origin = named.isEmpty ? "--state-dir " + path : path
                XCTAssertTrue(errorLine.hasPrefix(origin + ": error: "), "\(label) should name \(origin):\n\(result.stderr)")
                XCTAssertTrue(errorLine.contains(corruption.saying), "\(label) should say \(corruption.saying):\n\(result.stderr)")
                XCTAssertFalse(result.all.contains(secret), "\(label) showed the secret:\n\(result.all)")
                let after = try TreeManifest(sandbox.base)
                if after != before || Self.owner(path.components(separatedBy: ":").first!) != owner { changed += 1 }
                XCTAssertEqual(after, before, "\(label) changed something:\n\(after.difference(from: before))")
            }
        }
        print("CorruptedStateTests: \(Self.corpus.count) corruptions, \(runs) runs, \(refused) refused, \(changed) changed")
    }

    /// A write cut short is the one damage a crash makes: a last line without its newline. It is
    /// ignored, and what the whole lines recorded is rolled back.
    func testOnlyATornLastLineIsIgnored() throws {
        let sandbox = try makeSandbox()
        try FileManager.default.removeItem(at: sandbox.manifest)
        try Self.edit(sandbox.journal) { text in
            var lines = text.split(separator: "\n").map(String.init)
            let end = lines.removeLast()
            return lines.joined(separator: "\n") + "\n" + end.prefix(end.count / 2)
        }
        let listed = try RunbookBinary.run(sandbox.command(["snapshots"]))
        XCTAssertEqual(listed.status, 0, listed.all)
        XCTAssertTrue(listed.stdout.contains("2   "), listed.stdout)
        let rolledBack = try RunbookBinary.run(sandbox.command(["rollback"]))
        XCTAssertEqual(rolledBack.status, 0, rolledBack.all)
        let config = try String(contentsOf: sandbox.root.appendingPathComponent("etc/demo/app.conf"), encoding: .utf8)
        XCTAssertTrue(config.contains("port = 8080"), config)
    }

    /// An apply killed between making its snapshot folder and writing the first whole line of its
    /// journal changed nothing: such a snapshot is not listed, and its id is never given again.
    func testASnapshotThatNeverBeganIsSkippedAndItsIdNotReused() throws {
        let sandbox = try makeSandbox()
        for (id, journal) in [("000003", nil), ("000004", ""), ("000005", "{\"event\":\"begin\",\"hea")] as [(String, String?)] {
            try Self.folder(id)(sandbox)
            if let journal { try write(journal, to: sandbox.at("snapshots/\(id)/journal.jsonl"), mode: 0o600) }
        }
        let listed = try RunbookBinary.run(sandbox.command(["snapshots"]))
        XCTAssertEqual(listed.status, 0, listed.all)
        XCTAssertEqual(listed.stdout.split(separator: "\n").filter { $0.first?.isNumber == true }.map { $0.prefix(1) }, ["1", "2"], listed.stdout)
        // Back to the defaults: the second apply's values are kept, so they must be given.
        let applied = try RunbookBinary.run(sandbox.command(["apply"]) + ["--var", "port=8080", "--var", "mode=plain"])
        XCTAssertEqual(applied.status, 0, applied.all)
        XCTAssertTrue(applied.stdout.contains("snapshot 6 recorded"), applied.stdout)
        XCTAssertEqual(try RunbookBinary.run(sandbox.command(["rollback"])).status, 0)
    }

    /// A blob already there with the wrong bytes is written again when an apply records that
    /// content, so the rollback of that apply puts back what was really there.
    func testADamagedBlobIsWrittenAgainWhenAnApplyRecordsItsContent() throws {
        let sandbox = try makeSandbox()
        let config = sandbox.root.appendingPathComponent("etc/demo/app.conf")
        let applied = try Data(contentsOf: config)
        try Data("damaged\n".utf8).write(to: sandbox.at("blobs/" + SHA256.hex(applied)))
        let reapplied = try RunbookBinary.run(sandbox.command(["apply"]) + ["--var", "port=8080", "--var", "mode=plain"])
        XCTAssertEqual(reapplied.status, 0, reapplied.all)
        let rolledBack = try RunbookBinary.run(sandbox.command(["rollback"]))
        XCTAssertEqual(rolledBack.status, 0, rolledBack.all)
        XCTAssertEqual(try Data(contentsOf: config), applied)
    }

    /// A state directory runbook may not read, even as root (the test drops the capabilities that
    /// let root read anything): refused by every command, naming it.
    func testAnUnreadableStateDirectoryIsRefused() throws {
        let sandbox = try makeSandbox()
        try Self.chmod(sandbox.state, 0)
        defer { try? Self.chmod(sandbox.state, 0o700) }
        let before = try TreeManifest(sandbox.base)
        for words in Self.everyReader {
            let result = try Subprocess.run("/usr/bin/setpriv", ["--bounding-set", "-dac_override,-dac_read_search", "--", RunbookBinary.path]
                                            + sandbox.command(words), environment: ["NO_COLOR": "1"])
            XCTAssertEqual(result.status, 1, "`runbook \(words.joined(separator: " "))` should refuse:\n\(result.all)")
            XCTAssertTrue(result.stderr.contains("--state-dir \(sandbox.state.path): error: cannot read the state directory \(sandbox.state.path): Permission denied (runbook makes it mode 0700"),
                          result.stderr)
            XCTAssertEqual(try TreeManifest(sandbox.base), before)
        }
    }

    static func owner(_ path: String) -> uid_t? {
        var info = stat()
        return lstat(path, &info) == 0 ? info.st_uid : nil
    }
}
