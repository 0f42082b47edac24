import Foundation

// Measures `runbook` as operators run it; see BenchmarkOptions.usage, or `runbook-bench --help`.
do {
    let options = try BenchmarkOptions(parsing: Array(CommandLine.arguments.dropFirst()))
    if options.isHelpRequested {
        print(BenchmarkOptions.usage)
        exit(0)
    }
    if let directory = options.runbookDirectoryToWrite {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let chapters = try SyntheticRunbook(stepCount: options.stepsToWrite).write(to: directory)
        print("\(directory): \(options.stepsToWrite) steps in \(chapters.count) chapters")
        exit(0)
    }
    let table = try BenchmarkSuite(options: options).run()
    let markdown = table.markdown()
    print(markdown, terminator: "")
    if let outputPath = options.outputPath {
        try Data(markdown.utf8).write(to: URL(fileURLWithPath: outputPath))
    }
    if !table.failures.isEmpty {
        ProgressLog.note("runbook-bench: \(table.failures.count) command(s) did not exit as expected")
        exit(1)
    }
} catch let error as BenchmarkError {
    ProgressLog.note("runbook-bench: \(error)")
    if case .usage = error { exit(64) }
    exit(1)
} catch {
    ProgressLog.note("runbook-bench: \(error)")
    exit(1)
}
