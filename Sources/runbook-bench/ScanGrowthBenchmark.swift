/// The scanner on each ``PathologicalMarkdown`` input at two sizes, in-process: linear means the
/// larger takes about `sizeRatio` times as long, where a quadratic scan takes its square.
struct ScanGrowthBenchmark {
    static let sizeRatio = 2
    /// Linear with 25% slack: these runs are short, and the machine is shared.
    static let growthLimit = 2.5

    var smallerBytes: Int
    var runs: Int
    var warmups: Int

    func run() -> [TableRow] {
        PathologicalMarkdown.allCases.flatMap { input -> [TableRow] in
            let smaller = ScanBenchmark.measure(input.text(ofAtLeast: smallerBytes), runs: runs, warmups: warmups)
            let larger = ScanBenchmark.measure(input.text(ofAtLeast: smallerBytes * Self.sizeRatio), runs: runs, warmups: warmups)
            ProgressLog.note("  \(input.label): \(MeasurementFormat.milliseconds(smaller.seconds.median)) → "
                             + MeasurementFormat.milliseconds(larger.seconds.median))
            return [TableRow(smaller, name: "Markdown scanning, \(input.label)"),
                    TableRow(larger, name: "Markdown scanning, \(input.label)"),
                    TableRow(scanGrowthFrom: smaller, to: larger, of: input.label)]
        }
    }
}
