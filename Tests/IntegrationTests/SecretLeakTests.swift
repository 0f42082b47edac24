import Foundation
import XCTest

/// A secret, however it arrives (generated, `--var`, or a vars file), never leaves the process
/// in plain text: not in plans (text or JSON), apply or rollback output, errors, or snapshot
/// manifests and journals. It does reach the files that must hold it.
final class SecretLeakTests: XCTestCase {
    let runbook = RunbookBinary.fixtures.appendingPathComponent("runbooks/basic").path

    struct Sandbox {
        var root: URL
        var state: URL
        var base: URL
    }

    func sandbox() throws -> Sandbox {
        let base = try makeTemporaryDirectory(self, "secrets")
        let root = base.appendingPathComponent("root")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        return Sandbox(root: root, state: base.appendingPathComponent("state"), base: base)
    }

    /// Every byte the commands print, and every byte of the state directory's manifests and journals.
    func exercise(_ box: Sandbox, _ extra: [String]) throws -> String {
        var transcript = ""
        let target = ["--root", box.root.path, "--state-dir", box.state.path]
        let common = ["--runbook", runbook] + target + extra
        for arguments in [["plan"], ["plan", "--json"], ["apply"], ["plan"], ["check", "--json"], ["plan", "--var", "port=not-a-number"],
                          ["plan", "--var", "nope=1"], ["rollback"], ["rollback", "--json"], ["apply", "--json"], ["plan", "--json"]] {
            transcript += try RunbookBinary.run(arguments + common).all
        }
        for arguments in [["snapshots"], ["snapshots", "--json"], ["snapshots", "show", "1"], ["snapshots", "show", "1", "--json"]] {
            transcript += try RunbookBinary.run(arguments + target).all
        }
        // The --step tour shows each step's prose, plan, diff again and source, on a terminal; answered "all" then.
        let stepRoot = box.base.appendingPathComponent("step-root")
        try FileManager.default.createDirectory(at: stepRoot, withIntermediateDirectories: true)
        let tour = try TerminalSession(command: [RunbookBinary.path, "apply", "--step", "--runbook", runbook, "--root", stepRoot.path,
                                                 "--state-dir", box.state.path] + extra, environment: ["NO_COLOR": "1"])
        XCTAssertEqual(tour.answer(prompt: "Apply this step?", withEach: ["?", "d", "s", "a"], timeout: 60), 0, tour.transcript)
        transcript += tour.transcript
        let snapshots = box.state.appendingPathComponent("snapshots")
        for file in FileManager.default.enumerator(atPath: snapshots.path)?.compactMap({ $0 as? String }) ?? [] {
            let path = snapshots.appendingPathComponent(file).path
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue {
                transcript += "\n" + file + "\n" + (try String(contentsOfFile: path, encoding: .utf8))
            }
        }
        transcript += try FileManager.default.contentsOfDirectory(atPath: box.state.path).joined(separator: "\n")
        return transcript
    }

    func assertNeverShown(_ secret: String, in transcript: String, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertFalse(transcript.isEmpty, file: file, line: line)
        XCTAssertFalse(transcript.contains(secret), "the secret leaked:\n\(transcript)", file: file, line: line)
        XCTAssertTrue(transcript.contains("content of a file holding a secret, not shown"),
                      "the key file's change should be shown without its content", file: file, line: line)
    }

    func testGeneratedSecretIsNeverShown() throws {
        let box = try sandbox()
        let transcript = try exercise(box, [])
        let stored = try JSONSerialization.jsonObject(with: Data(contentsOf: box.state.appendingPathComponent("secrets"))) as? [String: String]
        let secret = try XCTUnwrap(stored?["secret"])
        XCTAssertEqual(secret.count, 64)
        XCTAssertTrue(try String(contentsOf: box.root.appendingPathComponent("etc/demo/key.conf"), encoding: .utf8).contains(secret))
        assertNeverShown(secret, in: transcript)
    }

    func testSecretGivenOnTheCommandLineIsNeverShown() throws {
        let box = try sandbox()
        let secret = "given-on-the-command-line-7f3a9c"
        let transcript = try exercise(box, ["--var", "secret=\(secret)"])
        XCTAssertTrue(try String(contentsOf: box.root.appendingPathComponent("etc/demo/key.conf"), encoding: .utf8).contains(secret))
        assertNeverShown(secret, in: transcript)
    }

    func testSecretFromAVarsFileIsNeverShown() throws {
        let box = try sandbox()
        let secret = "from-a-vars-file-\"quoted\"-5e1d"
        let varsFile = box.base.appendingPathComponent("prod.vars")
        try write("# production\nsecret='\(secret)'\nport=9090\n", to: varsFile)
        let transcript = try exercise(box, ["--vars-file", varsFile.path])
        XCTAssertTrue(try String(contentsOf: box.root.appendingPathComponent("etc/demo/key.conf"), encoding: .utf8).contains(secret))
        assertNeverShown(secret, in: transcript)
        assertNeverShown(secret.replacingOccurrences(of: "\"", with: "\\\""), in: transcript)
    }
}

/// The classes around the mask: secrets too weak or too odd to mask are refused at input, a file
/// that holds or held a secret is never diffed, whatever the runbook knows now, and no script
/// carrying one reaches a command line.
final class SecretClassTests: XCTestCase {
    let basic = RunbookBinary.fixtures.appendingPathComponent("runbooks/basic").path

    func sandbox() throws -> (base: URL, target: [String]) {
        let base = try makeTemporaryDirectory(self, "secret-class")
        let root = base.appendingPathComponent("root")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        return (base, ["--root", root.path, "--state-dir", base.appendingPathComponent("state").path])
    }

    func keyFile(_ base: URL) throws -> String {
        try String(contentsOf: base.appendingPathComponent("root/etc/demo/key.conf"), encoding: .utf8)
    }

    func testHostileSecretValuesAreRefusedAndChangeNothing() throws {
        let (base, target) = try sandbox()
        let before = try TreeManifest(base)
        let hostile = ["", "x", "fifteen-chars-x", "two\nlines-of-a-pem-key-here", "a-tab\there-and-long-enough",
                       "an-escape-\u{1B}[31m-long-enough", "a-delete-\u{7F}-long-enough", "a-c1-control-\u{85}-long-enough",
                       "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----\n"]
        for value in hostile {
            for command in ["check", "plan", "apply"] {
                let args = command == "check" ? [] : target
                let given = try RunbookBinary.run([command, "--runbook", basic, "--var", "secret=\(value)"] + args)
                XCTAssertEqual(given.status, 1, "\(command) took the secret \(value.debugDescription): \(given.all)")
                XCTAssertTrue(given.stderr.contains("--var secret: error: the secret 'secret'"), given.stderr)
                if value.count > 1 { XCTAssertFalse(given.all.contains(value), "the refused value was echoed: \(given.all)") }
            }
            guard !value.contains("\n") else { continue }
            let varsFile = base.appendingPathComponent("hostile.vars")
            try write("port=9090\nsecret=\(value)\n", to: varsFile)
            let fromFile = try RunbookBinary.run(["plan", "--runbook", basic, "--vars-file", varsFile.path] + target)
            XCTAssertEqual(fromFile.status, 1, fromFile.all)
            XCTAssertTrue(fromFile.stderr.contains("hostile.vars:2:1: error: the secret 'secret'"), fromFile.stderr)
            try FileManager.default.removeItem(at: varsFile)
        }
        XCTAssertEqual(try TreeManifest(base), before, "a refused secret changed something")
    }

    func testTheShippedSecretMustBeAStrongHexKey() throws {
        let shipped = RunbookBinary.packageRoot.appendingPathComponent("Runbook").path
        for weak in ["", "not-hex-but-long-enough-to-mask-0123456789", String(repeating: "ab", count: 15)] {
            let result = try RunbookBinary.run(["check", "--runbook", shipped, "--var", "secret=\(weak)"])
            XCTAssertEqual(result.status, 1, result.all)
            XCTAssertTrue(result.stderr.contains("make one with: openssl rand -hex 32"), result.stderr)
        }
        XCTAssertEqual(try RunbookBinary.run(["check", "--runbook", shipped, "--var", "secret=\(String(repeating: "ab", count: 16))"]).status, 0)
    }

    func testADeclaredMinimumAllowsAShortSecret() throws {
        let (base, target) = try sandbox()
        let runbook = base.appendingPathComponent("runbook")
        try write("""
            # Short

            ```text vars
            pin  secret minlength=4  about="A short code, declared as such"
            ```

            ```ini file=/etc/pin.conf
            pin = {{pin}}
            ```

            """, to: runbook.appendingPathComponent("01-pin.md"))
        XCTAssertEqual(try RunbookBinary.run(["apply", "--runbook", runbook.path, "--var", "pin=4821"] + target).status, 0)
        XCTAssertEqual(try RunbookBinary.run(["apply", "--runbook", runbook.path, "--var", "pin=482"] + target).status, 1)
    }

    /// FORMAT.md promises 0600 for a file holding a secret: also when it replaces a 0644 file or a
    /// link, and when only the mode is wrong.
    func testAFileHoldingASecretIsAlwaysPrivate() throws {
        let (base, target) = try sandbox()
        let runbook = base.appendingPathComponent("runbook")
        try write("""
            # Keys

            ```text vars
            key  secret generated=32  about="A generated key"
            ```

            ```ini file=/etc/over-a-file.conf
            key = {{key}}
            ```

            ```ini file=/etc/over-a-link.conf
            key = {{key}}
            ```

            ```ini file=/etc/same-content.conf
            key = 0123456789abcdef0123456789abcdef
            ```

            """, to: runbook.appendingPathComponent("01-keys.md"))
        let root = base.appendingPathComponent("root")
        try write("old\n", to: root.appendingPathComponent("etc/over-a-file.conf"), mode: 0o644)
        try write("elsewhere\n", to: root.appendingPathComponent("etc/elsewhere"), mode: 0o644)
        try FileManager.default.createSymbolicLink(atPath: root.appendingPathComponent("etc/over-a-link.conf").path,
                                                   withDestinationPath: "/etc/elsewhere")
        try write("key = 0123456789abcdef0123456789abcdef\n", to: root.appendingPathComponent("etc/same-content.conf"), mode: 0o644)
        let given = ["--runbook", runbook.path, "--var", "key=0123456789abcdef0123456789abcdef"] + target
        let before = try TreeManifest(root)
        let plan = try RunbookBinary.run(["plan"] + given)
        XCTAssertTrue(plan.stdout.contains("mode 0644 → 0600"), plan.stdout)
        XCTAssertEqual(try RunbookBinary.run(["apply"] + given).status, 0)
        for name in ["over-a-file.conf", "over-a-link.conf", "same-content.conf"] {
            let attributes = try FileManager.default.attributesOfItem(atPath: root.appendingPathComponent("etc/\(name)").path)
            XCTAssertEqual(attributes[.type] as? FileAttributeType, .typeRegular, name)
            XCTAssertEqual(attributes[.posixPermissions] as? Int, 0o600, "\(name) holds a secret but is not private")
        }
        XCTAssertEqual(try RunbookBinary.run(["plan"] + given).status, 0, "converged")
        XCTAssertEqual(try RunbookBinary.run(["rollback"] + given).status, 0)
        XCTAssertEqual(try TreeManifest(root), before, "rollback did not restore the modes and the link")
    }

    func testRotationShowsNeitherTheOldKeyNorTheNew() throws {
        let (_, target) = try sandbox()
        let old = "old-key-still-live-on-the-server-1f2e"
        let new = "new-key-after-rotation-on-the-server-9a8b"
        XCTAssertEqual(try RunbookBinary.run(["apply", "--runbook", basic, "--var", "secret=\(old)"] + target).status, 0)
        var transcript = ""
        for arguments in [["plan"], ["plan", "--json"], ["apply"], ["plan"]] {
            transcript += try RunbookBinary.run(arguments + ["--runbook", basic, "--var", "secret=\(new)"] + target).all
        }
        transcript += try RunbookBinary.run(["rollback", "--runbook", basic] + target).all
        XCTAssertFalse(transcript.contains(old), "the old key was shown:\n\(transcript)")
        XCTAssertFalse(transcript.contains(new), "the new key was shown:\n\(transcript)")
        XCTAssertTrue(transcript.contains("content of a file holding a secret, not shown: 1 line removed, 1 added"), transcript)
    }

    func testALostStateDirectoryNeverShowsTheLiveKey() throws {
        let (base, target) = try sandbox()
        XCTAssertEqual(try RunbookBinary.run(["apply", "--runbook", basic] + target).status, 0)
        let live = try XCTUnwrap(try keyFile(base).split(separator: " ").last).trimmingCharacters(in: .whitespacesAndNewlines)
        XCTAssertEqual(live.count, 64)
        try FileManager.default.removeItem(at: base.appendingPathComponent("state"))
        let plan = try RunbookBinary.run(["plan", "--runbook", basic] + target)
        let json = try RunbookBinary.run(["plan", "--json", "--runbook", basic] + target)
        XCTAssertEqual(plan.status, 2, plan.all)
        XCTAssertFalse((plan.all + json.all).contains(live), "the live key was shown:\n\(plan.all)\n\(json.all)")
        XCTAssertTrue(plan.stdout.contains("the state directory keeps no value for secret, so apply would generate a new one"), plan.stdout)
        XCTAssertTrue(json.stdout.contains("content of a file holding a secret, not shown"), json.stdout)
    }

    func testRollbackWithoutALoadableRunbookNeverShowsTheKey() throws {
        let (base, target) = try sandbox()
        let key = "the-key-runbook-wrote-4c3b2a19"
        XCTAssertEqual(try RunbookBinary.run(["apply", "--runbook", basic, "--var", "secret=\(key)"] + target).status, 0)
        try write("key = \(key)-edited-by-hand\n", to: base.appendingPathComponent("root/etc/demo/key.conf"), mode: 0o600)
        let missing = base.appendingPathComponent("no-runbook-here").path
        let refused = try RunbookBinary.run(["rollback", "--runbook", missing] + target, directory: URL(fileURLWithPath: "/"))
        XCTAssertEqual(refused.status, 1, refused.all)
        XCTAssertTrue(refused.stderr.contains("drift: /etc/demo/key.conf was changed since runbook left it"), refused.stderr)
        XCTAssertTrue(refused.stderr.contains("content of a file holding a secret, not shown"), refused.stderr)
        let forced = try RunbookBinary.run(["rollback", "--force", "--runbook", missing] + target, directory: URL(fileURLWithPath: "/"))
        XCTAssertEqual(forced.status, 0, forced.all)
        XCTAssertFalse((refused.all + forced.all).contains(key), "rollback showed the key:\n\(refused.all)\n\(forced.all)")
    }

    /// Two applies of one generated key: the first stops for a second between preparing and
    /// taking the lock (a debug-build fault point), and the second runs to the end meanwhile.
    /// The key in the file must be the one the state directory keeps; before the fix the first
    /// wrote the key it had chosen before the lock, which was stored nowhere.
    func testAGeneratedSecretIsChosenUnderTheLock() throws {
        let base = try makeTemporaryDirectory(self, "secret-race")
        let runbook = base.appendingPathComponent("runbook")
        try write("""
            # Key

            ```text vars
            key  secret generated=32  about="A generated key"
            ```

            ```ini file=/etc/key.conf
            key = {{key}}
            ```

            """, to: runbook.appendingPathComponent("01-key.md"))
        let root = base.appendingPathComponent("root"), state = base.appendingPathComponent("state")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let common = ["apply", "--runbook", runbook.path, "--root", root.path, "--state-dir", state.path]
        let paused = Process()
        paused.executableURL = URL(fileURLWithPath: RunbookBinary.path)
        paused.arguments = common
        paused.environment = ["RUNBOOK_FAULT_AT": "1", "RUNBOOK_FAULT_ACTION": "pause"]
        paused.standardOutput = FileHandle.nullDevice
        paused.standardError = FileHandle.nullDevice
        try paused.run()
        usleep(300_000)
        XCTAssertEqual(try RunbookBinary.run(common).status, 0)
        paused.waitUntilExit()
        XCTAssertEqual(paused.terminationStatus, 0)
        let stored = try JSONSerialization.jsonObject(with: Data(contentsOf: state.appendingPathComponent("secrets"))) as? [String: String]
        let written = try String(contentsOf: root.appendingPathComponent("etc/key.conf"), encoding: .utf8)
        XCTAssertEqual(written, "key = \(try XCTUnwrap(stored?["key"]))\n", "the file holds a key the state directory does not keep")
    }

    /// A kept secret pasted by hand into a file that is not secret is still masked by a rollback
    /// that cannot load the runbook: the state directory's secrets are masked by every command.
    func testAKeptSecretIsMaskedEvenWithoutTheRunbook() throws {
        let (base, target) = try sandbox()
        XCTAssertEqual(try RunbookBinary.run(["apply", "--runbook", basic] + target).status, 0)
        let stored = try JSONSerialization.jsonObject(with: Data(contentsOf: base.appendingPathComponent("state/secrets"))) as? [String: String]
        let key = try XCTUnwrap(stored?["secret"])
        let app = base.appendingPathComponent("root/etc/demo/app.conf")
        try write(try String(contentsOf: app, encoding: .utf8) + "# \(key)\n", to: app)
        let missing = base.appendingPathComponent("no-runbook-here").path
        let rollback = try RunbookBinary.run(["rollback", "--runbook", missing] + target)
        XCTAssertEqual(rollback.status, 1, rollback.all)
        XCTAssertTrue(rollback.stderr.contains("+# ********"), rollback.stderr)
        let shown = try RunbookBinary.run(["snapshots", "show", "1"] + target).all + rollback.all
        XCTAssertFalse(shown.contains(key), "the kept key was shown:\n\(shown)")
    }

    /// Paths and link targets are in every manifest and in `snapshots`: a secret may not be in one.
    func testASecretInAPathOrLinkTargetIsRefused() throws {
        let (base, target) = try sandbox()
        for attributes in ["file=/etc/{{key}}.conf", "absent=/etc/{{key}}", "link=/etc/key.conf to=/etc/{{key}}"] {
            let runbook = base.appendingPathComponent("runbook-\(attributes.count)")
            let body = attributes.hasPrefix("file") ? "x = 1" : attributes.hasPrefix("absent") ? "rm /etc/{{key}}" : "ln -s /etc/{{key}} /etc/key.conf"
            try write("""
                # Key in a name

                ```text vars
                key  secret generated=16  about="A generated key"
                ```

                ```sh \(attributes)
                \(body)
                ```

                """, to: runbook.appendingPathComponent("01-name.md"))
            let check = try RunbookBinary.run(["check", "--runbook", runbook.path])
            XCTAssertEqual(check.status, 1, check.all)
            XCTAssertTrue(check.stderr.contains("uses the secret 'key', but paths and link targets are recorded in snapshots"), check.stderr)
            XCTAssertEqual(try RunbookBinary.run(["apply", "--runbook", runbook.path] + target).status, 1)
        }
    }

    /// The same through another variable: a default that names the secret, used as a path.
    func testASecretReachingAPathThroughAnotherVariableIsRefused() throws {
        let (base, target) = try sandbox()
        for attributes in ["file={{place}}", "link=/etc/key.conf to={{place}}", "run always makes={{place}}"] {
            let runbook = base.appendingPathComponent("runbook-indirect-\(attributes.count)")
            try write("""
                # Key in a name, through another variable

                ```text vars
                key    secret generated=16  about="A generated key"
                place  default="/etc/{{key}}"  about="Where it goes"
                ```

                ```sh \(attributes)
                \(attributes.hasPrefix("link") ? "ln -s {{place}} /etc/key.conf" : "true")
                ```

                """, to: runbook.appendingPathComponent("01-name.md"))
            let check = try RunbookBinary.run(["check", "--runbook", runbook.path])
            XCTAssertEqual(check.status, 1, "\(attributes): \(check.all)")
            XCTAssertTrue(check.stderr.contains("holds the value of the secret 'key' through another variable"), check.stderr)
            let apply = try RunbookBinary.run(["apply", "--runbook", runbook.path] + target)
            XCTAssertEqual(apply.status, 1, apply.all)
            XCTAssertFalse(FileManager.default.fileExists(atPath: base.appendingPathComponent("state/snapshots").path), "\(attributes): nothing recorded")
        }
    }

    /// Guards (evaluated by a read-only plan too), run bodies, validations, handlers and checks:
    /// each carries the secret, and none may show it in `/proc/PID/cmdline`.
    func testNoScriptKindPutsTheSecretOnACommandLine() throws {
        let base = try makeTemporaryDirectory(self, "secret-scripts")
        let token = "script-secret-ps-must-not-show-77d1e0"
        let varsFile = base.appendingPathComponent("secret.vars")
        try write("token=\(token)\n", to: varsFile)
        let runbook = RunbookBinary.fixtures.appendingPathComponent("runbooks/secret-scripts").path
        let common = ["--runbook", runbook, "--state-dir", base.appendingPathComponent("state").path,
                      "--var", "base=\(base.appendingPathComponent("target").path)", "--vars-file", varsFile.path]
        try FileManager.default.createDirectory(at: base.appendingPathComponent("target/etc"), withIntermediateDirectories: true)
        let watcher = CommandLineWatcher()
        watcher.start()
        let plan = try RunbookBinary.run(["plan"] + common)
        let apply = try RunbookBinary.run(["apply"] + common)
        let seen = watcher.stop()
        XCTAssertEqual(plan.status, 2, plan.all)
        XCTAssertEqual(apply.status, 0, apply.all)
        for made in ["ran-unless", "ran-onlyif", "made", "handler.log"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: base.appendingPathComponent("target/\(made)").path), "\(made) is missing")
        }
        XCTAssertGreaterThanOrEqual(seen.filter { $0.contains("/dev/fd/3") }.count, 1, "no script was seen running: \(seen)")
        XCTAssertFalse(seen.contains { $0.contains(token) }, "a command line showed the secret: \(seen.filter { $0.contains(token) })")
        XCTAssertFalse((plan.all + apply.all).contains(token))
    }
}
