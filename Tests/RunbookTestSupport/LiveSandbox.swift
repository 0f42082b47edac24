import Foundation
import XCTest

/// A runbook applied on the live host with every path under `base`, a temporary folder that
/// stands in for `/`, and a state directory of its own: scripts, handlers and checks really run,
/// and nothing outside the folder is touched.
public struct LiveSandbox {
    public let base: URL
    public let state: URL
    public let runbook: URL

    /// A fresh sandbox with an empty `base/etc`, removed when the test ends.
    public init(_ test: XCTestCase, runbook: URL? = nil) throws {
        let temporary = try makeTemporaryDirectory(test, "live")
        base = temporary.appendingPathComponent("base")
        state = temporary.appendingPathComponent("state")
        self.runbook = runbook ?? temporary.appendingPathComponent("runbook")
        try FileManager.default.createDirectory(at: base.appendingPathComponent("etc"), withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: self.runbook, withIntermediateDirectories: true)
    }

    /// `runbook COMMAND --runbook RUNBOOK --state-dir STATE --var base=BASE EXTRA…`.
    @discardableResult
    public func run(_ command: String, _ extra: [String] = []) throws -> Subprocess.Result {
        try RunbookBinary.run([command, "--runbook", runbook.path, "--state-dir", state.path, "--var", "base=\(base.path)"] + extra)
    }

    /// `runbook snapshots` of this sandbox's state directory (it takes no runbook or variables).
    public func snapshots(_ extra: [String] = []) throws -> Subprocess.Result {
        try RunbookBinary.run(["snapshots"] + extra + ["--state-dir", state.path])
    }
}
