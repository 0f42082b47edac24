import Foundation
import RunbookTestSupport

/// The release products built with the Swift runtime linked in (`--static-swift-stdlib`), which
/// run on a Debian server that has no Swift: `runbook` itself, and the stand-in Ollama server.
///
/// `RUNBOOK_STATIC_BINARY` and `OLLAMA_STANDIN_STATIC_BINARY` point elsewhere if set; otherwise
/// they are `.build/release/runbook` and `.build/release/ollama-standin` in the package.
enum ReleaseBinary {
    static func path(_ product: String) throws -> String {
        let variable = product == "runbook" ? "RUNBOOK_STATIC_BINARY" : "OLLAMA_STANDIN_STATIC_BINARY"
        let path = ProcessInfo.processInfo.environment[variable]
            ?? RunbookBinary.packageRoot.appendingPathComponent(".build/release/\(product)").path
        let build = "swift build -c release --static-swift-stdlib --product \(product)"
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw MissingTool(description: "the fresh-server tests need a static release \(product) at \(path): run `\(build)` (Tests/run.sh does)")
        }
        // A binary that needs the Swift runtime's shared libraries cannot start on a server without Swift.
        let libraries = try Subprocess.run("/usr/bin/ldd", [path])
        if libraries.stdout.contains("libswift") || libraries.stdout.contains("libFoundation") {
            throw MissingTool(description: "\(path) needs Swift's shared libraries, so it cannot run on a fresh server: build it with `\(build)`\n\(libraries.stdout)")
        }
        return path
    }
}
