// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "runbook",
    products: [
        .executable(name: "runbook", targets: ["runbook"]),
        .library(name: "RunbookKit", targets: ["RunbookKit"]),
    ],
    targets: [
        .target(name: "RunbookKit"),
        .executableTarget(name: "runbook", dependencies: ["RunbookKit"]),
        // Benchmark: `swift build -c release --static-swift-stdlib --product runbook-bench`, then
        // `.build/release/runbook-bench`. Runs the `runbook` built beside it as whole processes; uses RunbookKit
        // to time the Markdown scanner in-process.
        .executableTarget(name: "runbook-bench", dependencies: ["RunbookKit", "runbook"]),
        // Test support: a stand-in for the Ollama server, which cannot be installed here.
        .executableTarget(name: "ollama-standin", path: "Tests/OllamaStandIn"),
        // Test support: runs the built binaries, hashes trees.
        .target(name: "RunbookTestSupport", dependencies: ["RunbookKit"], path: "Tests/RunbookTestSupport"),
        .testTarget(name: "RunbookKitTests", dependencies: ["RunbookKit"]),
        .testTarget(name: "IntegrationTests", dependencies: ["RunbookKit", "RunbookTestSupport", "runbook", "ollama-standin"]),
        .testTarget(name: "SystemTests", dependencies: ["RunbookKit", "RunbookTestSupport", "runbook", "ollama-standin"]),
    ]
)
