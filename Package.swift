// swift-tools-version:6.0
import PackageDescription

// The layers are targets, so an import that runs the wrong way does not compile:
// Host at the bottom (files, processes, the clock, randomness, hashing); Markdown; Model (a
// runbook as read); Steps (typed steps that observe and return changes); Snapshots and Engine
// (what is kept, and planning and applying); Render (text, JSON, HTML); and RunbookKit, the
// commands. What one layer offers the next is `package`; what the library offers is `public`.
// RunbookRemote sits between Engine and Kit: the ssh transport and the agent protocol carry the
// engine's values (a plan, apply events) between two runbook processes, and Kit's commands use
// it on both sides; kept out of Host, which is one machine's OS, and out of Kit, which renders.
let layers: [Target.Dependency] = ["RunbookKit", "RunbookRemote", "RunbookRender", "RunbookEngine", "RunbookSteps", "RunbookSnapshots", "RunbookModel",
                                   "RunbookMarkdown", "RunbookHost"]

let package = Package(
    name: "runbook",
    products: [
        .executable(name: "runbook", targets: ["runbook"]),
        .library(name: "RunbookKit", targets: ["RunbookKit"]),
    ],
    targets: [
        .target(name: "RunbookHost"),
        .target(name: "RunbookMarkdown", dependencies: ["RunbookHost"]),
        .target(name: "RunbookModel", dependencies: ["RunbookMarkdown", "RunbookHost"]),
        .target(name: "RunbookSteps", dependencies: ["RunbookModel", "RunbookHost"]),
        .target(name: "RunbookSnapshots", dependencies: ["RunbookModel", "RunbookHost"]),
        .target(name: "RunbookEngine", dependencies: ["RunbookSteps", "RunbookSnapshots", "RunbookModel", "RunbookHost"]),
        .target(name: "RunbookRender", dependencies: ["RunbookEngine", "RunbookSteps", "RunbookSnapshots", "RunbookModel", "RunbookHost"]),
        .target(name: "RunbookRemote", dependencies: ["RunbookEngine", "RunbookSnapshots", "RunbookModel", "RunbookHost"]),
        .target(name: "RunbookKit", dependencies: ["RunbookRemote", "RunbookRender", "RunbookEngine", "RunbookSteps", "RunbookSnapshots", "RunbookModel",
                                                   "RunbookMarkdown", "RunbookHost"]),
        .executableTarget(name: "runbook", dependencies: ["RunbookKit"]),
        // Benchmark: `swift build -c release --static-swift-stdlib --product runbook-bench`, then
        // `.build/release/runbook-bench`. Runs the `runbook` built beside it as whole processes; uses the
        // library to time the Markdown scanner in-process.
        .executableTarget(name: "runbook-bench", dependencies: ["RunbookKit", "RunbookMarkdown", "RunbookHost", "runbook"]),
        // Test support: a stand-in for the Ollama server, which cannot be installed here.
        .executableTarget(name: "ollama-standin", path: "Tests/OllamaStandIn"),
        // Test support: runs the built binaries, hashes trees.
        .target(name: "RunbookTestSupport", dependencies: ["RunbookKit"], path: "Tests/RunbookTestSupport"),
        .testTarget(name: "RunbookKitTests", dependencies: layers),
        .testTarget(name: "IntegrationTests", dependencies: layers + ["RunbookTestSupport", "runbook", "ollama-standin"]),
        .testTarget(name: "SystemTests", dependencies: layers + ["RunbookTestSupport", "runbook", "ollama-standin"]),
    ]
)
