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

/// Runs the built `runbook` binary (or another product beside it, like `ollama-standin`) as a whole process, the way an operator does.
public struct RunbookBinary {
    public static var packageRoot: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    public static var fixtures: URL { packageRoot.appendingPathComponent("Tests/Fixtures") }

    /// The directory SwiftPM put the test bundle in, which also holds the `runbook` executable.
    public static var productsDirectory: URL {
        let candidates = [Bundle.main.bundleURL, Bundle.main.bundleURL.deletingLastPathComponent(),
                          URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0.appendingPathComponent("runbook").path) }
            ?? Bundle.main.bundleURL
    }

    public static var path: String { productsDirectory.appendingPathComponent("runbook").path }

    /// Runs `runbook` with `arguments`, from the package root unless told otherwise.
    @discardableResult
    public static func run(_ arguments: [String], environment: [String: String] = [:], input: String? = nil,
                           directory: URL? = nil) throws -> Subprocess.Result {
        var environment = environment
        environment["NO_COLOR"] = environment["NO_COLOR"] ?? "1"
        return try Subprocess.run(path, arguments, environment: environment, input: input, directory: directory ?? packageRoot)
    }

    /// Another product built beside `runbook`, like `ollama-standin`.
    public static func product(_ name: String) -> String { productsDirectory.appendingPathComponent(name).path }
}

/// Runs a program to completion and collects what it printed.
public enum Subprocess {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
        public var all: String { stdout + stderr }
    }

    @discardableResult
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                           input: String? = nil, directory: URL? = nil) throws -> Result {
        let output = try ProcessLauncher().run(executable: executable, arguments: arguments, environment: environment,
                                               input: input.map { Data($0.utf8) }, directory: directory?.path)
        return Result(status: output.status, stdout: String(decoding: output.standardOutput, as: UTF8.self),
                      stderr: String(decoding: output.standardError, as: UTF8.self))
    }
}

/// A fresh temporary directory, removed when the test ends.
public func makeTemporaryDirectory(_ test: XCTestCase, _ name: String = "runbook-test") throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString.prefix(8))")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    test.addTeardownBlock { try? FileManager.default.removeItem(at: url) }
    return url
}

public func write(_ text: String, to url: URL, mode: Int = 0o644) throws {
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(text.utf8).write(to: url)
    try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: url.path)
}
