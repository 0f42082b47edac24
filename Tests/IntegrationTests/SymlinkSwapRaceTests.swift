import Foundation
import Synchronization
import XCTest

/// Nothing outside `--root`, even while a directory under it is swapped for a link to the outside:
/// a thread exchanges `ROOT/etc/app` (a real directory) with a link to an outside directory as
/// fast as it can (`renameat2(RENAME_EXCHANGE)`, so the name is never missing) while `runbook
/// apply --root` and then `runbook rollback` write, create, chmod, link and remove in it. After
/// every try the outside directory is byte for byte what it was, and the outcome is a success
/// inside the root or a clear failure with everything restored.
///
/// `RUNBOOK_RACE_TRIES=N` runs N tries (200 by default, which CI runs in about 20 seconds).
final class SymlinkSwapRaceTests: XCTestCase {
    static let chapter = """
        # The app

        ```ini file=/etc/app/a.conf mode=0640
        a = 1
        ```

        ```ini file=/etc/app/existing.conf mode=0600
        replaced = yes
        ```

        ```ini file=/etc/app/same.conf mode=0600
        same = yes
        ```

        ```ini file=/etc/app/conf.d/nested.conf
        nested = yes
        ```

        ```sh link=/etc/app/current to=/etc/app/a.conf
        ln -s /etc/app/a.conf /etc/app/current
        ```

        ```sh absent=/etc/app/old.txt
        rm /etc/app/old.txt
        ```

        """

    /// What sits in the app directory before an apply; the outside directory holds the same names,
    /// so that a write, a chmod or a removal that went through the link would show there.
    static func seed(_ directory: URL) throws {
        try write("old = yes\n", to: directory.appendingPathComponent("existing.conf"), mode: 0o644)
        try write("same = yes\n", to: directory.appendingPathComponent("same.conf"), mode: 0o644)
        try write("to be removed\n", to: directory.appendingPathComponent("old.txt"))
    }

    func testASwapRaceNeverWritesOutsideTheRoot() throws {
        let tries = ProcessInfo.processInfo.environment["RUNBOOK_RACE_TRIES"].flatMap(Int.init) ?? 200
        let base = try makeTemporaryDirectory(self, "swap-race")
        let runbook = base.appendingPathComponent("runbook")
        try write(Self.chapter, to: runbook.appendingPathComponent("01-app.md"))
        let outside = base.appendingPathComponent("outside")
        try Self.seed(outside)
        try write("outside = yes\n", to: outside.appendingPathComponent("a.conf"), mode: 0o600)
        try write("outside = yes\n", to: outside.appendingPathComponent("conf.d/nested.conf"), mode: 0o600)
        let outsideBefore = try TreeManifest(outside)

        let reference = try sandbox(base, "reference")
        let fresh = try TreeManifest(reference.root)
        XCTAssertEqual(try RunbookBinary.run(["apply"] + reference.arguments(runbook)).status, 0)
        let converged = try TreeManifest(reference.root)

        var outcomes: [String: Int] = [:]
        for attempt in 0..<tries {
            let run = try sandbox(base, "try-\(attempt)")
            let link = run.root.appendingPathComponent("etc/app-swap")
            try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: outside.path)
            let swapper = Swapper(run.root.appendingPathComponent("etc/app").path, link.path)

            let applied = try swapper.whileSwapping { try RunbookBinary.run(["apply"] + run.arguments(runbook)) }
            XCTAssertEqual(try TreeManifest(outside), outsideBefore, "try \(attempt): apply changed the outside directory:\n\(applied.all)")
            try FileManager.default.removeItem(at: link)
            let afterApply = try TreeManifest(run.root)
            if applied.status == 0 {
                XCTAssertEqual(afterApply, converged, "try \(attempt): apply succeeded, but:\n\(afterApply.difference(from: converged))")
                outcomes["apply succeeded", default: 0] += 1
            } else {
                let retried = try assertClearFailure(applied, attempt: attempt, run: run, runbook: runbook, fresh: fresh, what: "apply")
                outcomes[retried ? "apply failed, restore failed too, rollback restored" : "apply failed and restored itself", default: 0] += 1
                continue
            }

            try FileManager.default.createSymbolicLink(atPath: link.path, withDestinationPath: outside.path)
            let rolledBack = try swapper.whileSwapping { try RunbookBinary.run(["rollback"] + run.arguments(runbook)) }
            XCTAssertEqual(try TreeManifest(outside), outsideBefore, "try \(attempt): rollback changed the outside directory:\n\(rolledBack.all)")
            try FileManager.default.removeItem(at: link)
            if rolledBack.status == 0 {
                let after = try TreeManifest(run.root)
                XCTAssertEqual(after, fresh, "try \(attempt): rollback succeeded, but:\n\(after.difference(from: fresh))")
                outcomes["rollback succeeded", default: 0] += 1
            } else {
                let retried = try assertClearFailure(rolledBack, attempt: attempt, run: run, runbook: runbook, fresh: fresh, what: "rollback")
                outcomes[retried ? "rollback failed, a second rollback restored" : "rollback failed and changed nothing", default: 0] += 1
            }
        }
        print("symlink swap race: \(tries) tries, outside directory unchanged after every one; \(outcomes.sorted { $0.key < $1.key })")
    }

    /// A failure names what failed; what it left is restored, by itself or by one more rollback
    /// without the race, to the state before the apply.
    /// Returns whether it took that rollback.
    @discardableResult
    func assertClearFailure(_ result: Subprocess.Result, attempt: Int, run: Sandbox, runbook: URL,
                            fresh: TreeManifest, what: String) throws -> Bool {
        XCTAssertEqual(result.status, 1, "try \(attempt): \(what) exited \(result.status):\n\(result.all)")
        XCTAssertTrue(result.stderr.contains("error:"), "try \(attempt): \(what) failed without an error:\n\(result.all)")
        if try TreeManifest(run.root) != fresh {
            let retried = try RunbookBinary.run(["rollback", "--force"] + run.arguments(runbook))
            XCTAssertEqual(retried.status, 0, "try \(attempt): rollback after the failed \(what): \(retried.all)")
            let after = try TreeManifest(run.root)
            XCTAssertTrue(after == fresh, "try \(attempt): after the failed \(what) and a rollback:\n\(after.difference(from: fresh))\n"
                          + "\(what):\n\(result.all)\nrollback:\n\(retried.all)")
            return true
        }
        return false
    }

    struct Sandbox {
        var root: URL
        var state: URL
        func arguments(_ runbook: URL) -> [String] {
            ["--runbook", runbook.path, "--root", root.path, "--state-dir", state.path]
        }
    }

    func sandbox(_ base: URL, _ name: String) throws -> Sandbox {
        let root = base.appendingPathComponent(name + "/root")
        try Self.seed(root.appendingPathComponent("etc/app"))
        return Sandbox(root: root, state: base.appendingPathComponent(name + "/state"))
    }
}

/// Exchanges a directory and a link, atomically and as fast as it can, on a thread of its own.
final class Swapper: Sendable {
    typealias RenameAt2 = @convention(c) (Int32, UnsafePointer<CChar>, Int32, UnsafePointer<CChar>, UInt32) -> Int32
    /// glibc has had renameat2 since 2.28, but Swift's Glibc module leaves it out (it needs _GNU_SOURCE).
    nonisolated(unsafe) static let renameat2: RenameAt2 = unsafeBitCast(dlsym(UnsafeMutableRawPointer(bitPattern: 0), "renameat2"), to: RenameAt2.self)
    static let exchange: UInt32 = 1 << 1

    let directory: String
    let link: String
    let stop = Atomic<Bool>(false)
    let finished = Atomic<Bool>(false)

    init(_ directory: String, _ link: String) {
        self.directory = directory
        self.link = link
    }

    func whileSwapping<T>(_ body: () throws -> T) throws -> T {
        stop.store(false, ordering: .relaxed)
        finished.store(false, ordering: .relaxed)
        let thread = Thread { [self] in
            var exchanged = false
            while !stop.load(ordering: .relaxed) {
                if Self.renameat2(AT_FDCWD, directory, AT_FDCWD, link, Self.exchange) == 0 {
                    exchanged.toggle()
                }
            }
            // The real directory goes back to its own name.
            if exchanged { _ = Self.renameat2(AT_FDCWD, directory, AT_FDCWD, link, Self.exchange) }
            finished.store(true, ordering: .releasing)
        }
        thread.start()
        defer {
            stop.store(true, ordering: .relaxed)
            while !finished.load(ordering: .acquiring) { usleep(100) }
        }
        return try body()
    }
}
