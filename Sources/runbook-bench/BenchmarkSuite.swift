import Foundation

/// The whole benchmark, in the order of the table: `runbook --version`, the shipped runbook, the
/// synthetic runbooks from small to large, their growth, and the scanner.
///
/// The in-process scan comes last: it makes this process tens of megabytes larger, and a child
/// spawned after that would report our size as its peak RSS (see ``LauncherMemory``).
struct BenchmarkSuite {
    var options: BenchmarkOptions

    func run() throws -> ResultsTable {
        let binary = try ProductLocator.runbookBinary(overriddenBy: options.runbookBinary)
        let packageRoot = try ProductLocator.packageRoot(overriddenBy: options.packageRoot)
        let scratch = try ScratchSpace()
        defer { scratch.removeAll() }
        let runner = CaseRunner(runs: options.runs, warmups: options.warmups, scratch: scratch)
        var table = ResultsTable(environment: RunEnvironment(binary: binary, runs: options.runs, warmups: options.warmups))
        if binary.hasPrefix(packageRoot + "/.build/") {
            // Only a binary built from this package can be stale with respect to its sources.
            table.environment.sourcesNewerThanBinary = ProductLocator.sourcesNewer(than: binary, packageRoot: packageRoot)
        }
        table.environment.linksSwiftDynamically = ProductLocator.linksSwiftDynamically(binary)
        for warning in table.environment.warnings {
            ProgressLog.note("runbook-bench: warning: \(warning)")
        }
        ProgressLog.note("runbook-bench: measuring \(binary) in \(scratch.path); load average \(table.environment.loadAtStart)")

        func record(_ result: CaseResult) {
            table.rows.append(TableRow(result))
            table.failures += result.failures
        }

        record(try runner.measure(BenchmarkCase(
            name: "`runbook --version`", expectedExit: 0,
            floor: ProcessInvocation(executable: "/bin/true", arguments: []), target: .version,
            prepareRun: { ProcessInvocation(executable: binary, arguments: ["--version"]) })))

        let shippedRunbook = packageRoot + "/Runbook"
        ProgressLog.note("\(RunbookSubject.shipped.label) (\(shippedRunbook))")
        let shipped = RunbookCases(subject: .shipped, runbookDirectory: shippedRunbook,
                                   chapterPaths: try chapters(in: shippedRunbook), binary: binary, scratch: scratch)
        for (_, benchmarkCase) in try shipped.makeCases() { record(try runner.measure(benchmarkCase)) }

        var convergedPlans: [(steps: Int, result: CaseResult)] = []
        for steps in options.sizes.sorted() {
            let subject = RunbookSubject.synthetic(steps: steps)
            let directory = try scratch.freshDirectory("runbook-\(steps)")
            ProgressLog.note("\(subject.label) (\(directory))")
            let chapterPaths = try SyntheticRunbook(stepCount: steps).write(to: directory)
            let cases = RunbookCases(subject: subject, runbookDirectory: directory, chapterPaths: chapterPaths,
                                     binary: binary, scratch: scratch)
            for (command, benchmarkCase) in try cases.makeCases() {
                let result = try runner.measure(benchmarkCase)
                record(result)
                if command == .planOnConvergedRoot { convergedPlans.append((steps, result)) }
            }
        }
        for (smaller, larger) in zip(convergedPlans, convergedPlans.dropFirst()) where smaller.steps >= 100 {
            table.rows.append(TableRow(growthFrom: smaller.result, to: larger.result, steps: (smaller.steps, larger.steps)))
        }

        ProgressLog.note("one 30,000-line managed file")
        for benchmarkCase in try LargeFileCases(binary: binary, scratch: scratch).makeCases() {
            record(try runner.measure(benchmarkCase))
        }

        ProgressLog.note("Markdown scanning, in-process")
        let scan = ScanBenchmark(targetBytes: options.scanBytes, runs: options.runs, warmups: options.warmups).run()
        table.rows.append(TableRow(scan))
        ProgressLog.note("  \(scan.elementCount) headings and code blocks in \(scan.byteCount) bytes: "
                         + "median \(MeasurementFormat.milliseconds(scan.seconds.median))")

        ProgressLog.note("Markdown scanning, pathological inputs at two sizes, in-process")
        table.rows += ScanGrowthBenchmark(smallerBytes: options.pathologicalScanBytes, runs: options.runs,
                                          warmups: options.warmups).run()

        table.environment.loadAtEnd = RunEnvironment.loadAverage()
        return table
    }

    /// Every `*.md` directly in the runbook folder, as `runbook` reads them.
    private func chapters(in directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".md") }.sorted()
            .map { directory + "/" + $0 }
    }
}
