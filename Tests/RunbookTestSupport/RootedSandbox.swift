import Foundation
import XCTest

/// A one-chapter runbook and a `--root` sandbox for it, with its own state directory: the
/// arguments every command of the test takes.
public func makeRootedSandbox(_ test: XCTestCase, _ name: String, chapter: String, file: String,
                              directory: String) throws -> (root: URL, arguments: [String]) {
    let base = try makeTemporaryDirectory(test, name)
    try write(chapter, to: base.appendingPathComponent("runbook/\(file)"))
    let root = base.appendingPathComponent("root")
    try FileManager.default.createDirectory(at: root.appendingPathComponent(directory), withIntermediateDirectories: true)
    return (root, ["--runbook", base.appendingPathComponent("runbook").path, "--root", root.path,
                   "--state-dir", base.appendingPathComponent("state").path])
}
