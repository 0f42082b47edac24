import Foundation
import RunbookKit
import RunbookRender
import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookMarkdown
import RunbookHost

/// Finds what the benchmark measures when the command line does not say: the `runbook` binary
/// built beside this one, and the package (for its shipped `Runbook/`).
///
/// `swift build -c release` puts `runbook` and `runbook-bench` in the same directory, for example
/// `.build/x86_64-unknown-linux-gnu/release/`, and the package root is the nearest directory
/// above it holding `Package.swift`.
enum ProductLocator {
    /// This program's own path, with symbolic links resolved (`.build/release` is one).
    static var executablePath: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
    }

    static func runbookBinary(overriddenBy path: String?) throws -> String {
        let candidate = path.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
            ?? URL(fileURLWithPath: executablePath).deletingLastPathComponent().appendingPathComponent("runbook").path
        guard FileManager.default.isExecutableFile(atPath: candidate) else {
            throw BenchmarkError.setup("no runbook binary at \(candidate); build it with `swift build -c release` or pass --runbook-binary PATH")
        }
        return candidate
    }

    static func packageRoot(overriddenBy path: String?) throws -> String {
        if let path { return try checkedPackageRoot(path) }
        var directory = URL(fileURLWithPath: executablePath).deletingLastPathComponent()
        while directory.path != "/" {
            if isPackageRoot(directory.path) { return directory.path }
            directory.deleteLastPathComponent()
        }
        // Built outside the package (a scratch build): this source file still knows where it lives.
        let fromSource = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        return try checkedPackageRoot(fromSource)
    }

    /// The engine's sources edited after `binary` was built. A `runbook` built by hand earlier, or
    /// left behind by a build without this target, measures an engine that is no longer the code.
    static func sourcesNewer(than binary: String, packageRoot: String) -> [String] {
        let manager = FileManager.default
        guard let built = (try? manager.attributesOfItem(atPath: binary))?[.modificationDate] as? Date else { return [] }
        return ["Sources/RunbookKit", "Sources/runbook"].flatMap { folder -> [String] in
            let directory = packageRoot + "/" + folder
            let files = manager.enumerator(atPath: directory)?.allObjects.compactMap { $0 as? String } ?? []
            return files.filter { file in
                guard file.hasSuffix(".swift"),
                      let modified = (try? manager.attributesOfItem(atPath: directory + "/" + file))?[.modificationDate] as? Date
                else { return false }
                return modified > built
            }.map { folder + "/" + $0 }
        }.sorted()
    }

    /// Whether `binary` loads the Swift runtime from shared libraries, as `swift run` builds it:
    /// it then starts several milliseconds slower than the static binary runbook ships as.
    static func linksSwiftDynamically(_ binary: String) -> Bool {
        let libraries = try? ProcessLauncher().run(executable: "/usr/bin/ldd", arguments: [binary])
        return libraries.map { String(decoding: $0.standardOutput, as: UTF8.self).contains("libswiftCore") } ?? false
    }

    private static func checkedPackageRoot(_ path: String) throws -> String {
        guard isPackageRoot(path) else {
            throw BenchmarkError.setup("\(path) is not the runbook package (no Package.swift and Runbook/); pass --package-root DIR")
        }
        return URL(fileURLWithPath: path).standardizedFileURL.path
    }

    private static func isPackageRoot(_ path: String) -> Bool {
        let manager = FileManager.default
        var isDirectory: ObjCBool = false
        return manager.fileExists(atPath: path + "/Package.swift")
            && manager.fileExists(atPath: path + "/Runbook", isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
