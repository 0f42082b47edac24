/// One line of the results table, already formatted:
/// case | median | min | max | peak RSS | floor | ratio | target.
struct TableRow {
    var name: String
    var median: String
    var minimum: String
    var maximum: String
    var peakResident = "–"
    var floor = "–"
    var ratio = "–"
    var verdicts: [TargetVerdict] = []

    init(name: String, median: String, minimum: String, maximum: String) {
        self.name = name
        self.median = median
        self.minimum = minimum
        self.maximum = maximum
    }

    init(_ result: CaseResult) {
        self.init(name: result.name, median: MeasurementFormat.milliseconds(result.wall.median),
                  minimum: MeasurementFormat.milliseconds(result.wall.minimum),
                  maximum: MeasurementFormat.milliseconds(result.wall.maximum))
        peakResident = (result.isPeakResidentAnUpperBound ? "≤ " : "")
            + MeasurementFormat.mebibytes(kibibytes: result.peakResidentKiB)
        floor = MeasurementFormat.milliseconds(result.floor.median)
        ratio = MeasurementFormat.ratio(result.floorRatio)
        verdicts = result.target.verdicts(for: result)
        if !result.failures.isEmpty { verdicts.append(TargetVerdict(requirement: "exit status", isMet: false)) }
    }

    /// How `plan` on a converged root grew from the smaller runbook to the larger.
    init(growthFrom smaller: CaseResult, to larger: CaseResult, steps: (Int, Int)) {
        let growth = larger.wall.median / smaller.wall.median
        self.init(name: "growth \(MeasurementFormat.count(steps.0)) → \(MeasurementFormat.count(steps.1)) steps, plan, converged root",
                  median: MeasurementFormat.ratio(growth),
                  minimum: MeasurementFormat.ratio(larger.wall.minimum / smaller.wall.minimum),
                  maximum: MeasurementFormat.ratio(larger.wall.maximum / smaller.wall.maximum))
        let floorGrowth = larger.floor.median / smaller.floor.median
        floor = MeasurementFormat.ratio(floorGrowth)
        if steps == (1_000, 10_000) {
            verdicts = [TargetVerdict(requirement: "≤ \(MeasurementFormat.plain(PerformanceTarget.growthLimit))×",
                                      isMet: growth <= PerformanceTarget.growthLimit)]
        }
    }

    init(_ scan: ScanResult) {
        self.init(scan, name: "Markdown scanning")
        verdicts = [TargetVerdict(requirement: "≥ \(MeasurementFormat.plain(PerformanceTarget.scanMegabytesPerSecond)) MB/s",
                                  isMet: scan.medianMegabytesPerSecond >= PerformanceTarget.scanMegabytesPerSecond)]
    }

    init(_ scan: ScanResult, name: String) {
        func figure(_ seconds: Double) -> String {
            "\(MeasurementFormat.milliseconds(seconds)) (\(MeasurementFormat.throughput(bytes: scan.byteCount, seconds: seconds)))"
        }
        let megabytes = MeasurementFormat.plain((Double(scan.byteCount) / 1e5).rounded() / 10)
        self.init(name: "\(name), one \(megabytes) MB chapter, in-process",
                  median: figure(scan.seconds.median), minimum: figure(scan.seconds.minimum),
                  maximum: figure(scan.seconds.maximum))
    }

    /// How the scan of one pathological input grew when the input doubled.
    init(scanGrowthFrom smaller: ScanResult, to larger: ScanResult, of label: String) {
        let growth = larger.seconds.median / smaller.seconds.median
        self.init(name: "growth ×\(ScanGrowthBenchmark.sizeRatio) bytes, Markdown scanning, \(label)",
                  median: MeasurementFormat.ratio(growth),
                  minimum: MeasurementFormat.ratio(larger.seconds.minimum / smaller.seconds.minimum),
                  maximum: MeasurementFormat.ratio(larger.seconds.maximum / smaller.seconds.maximum))
        verdicts = [TargetVerdict(requirement: "≤ \(MeasurementFormat.plain(ScanGrowthBenchmark.growthLimit))×",
                                  isMet: growth <= ScanGrowthBenchmark.growthLimit)]
    }

    var cells: [String] {
        [name, median, minimum, maximum, peakResident, floor, ratio,
         verdicts.isEmpty ? "–" : verdicts.map(\.rendered).joined(separator: "; ")]
    }
}
