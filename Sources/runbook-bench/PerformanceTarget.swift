/// What issue #6 asks of one case, as medians of a release build on the project's 2-core machines.
///
/// The catalogue lives here so that the table and the issue can be compared line by line:
/// `PerformanceTarget.for(.planOnConvergedRoot, on: .synthetic(steps: 1_000))` is at most 40 ms,
/// at most 40 MiB peak RSS, and at most 3 times the floor.
struct PerformanceTarget {
    var medianMilliseconds: Double?
    var peakResidentMiB: Double?
    var floorRatio: Double?

    /// How much slower `plan` on a converged root may get from 1,000 to 10,000 steps: linear (10×),
    /// with 10% slack.
    static let growthLimit = 11.0
    static let scanMegabytesPerSecond = 100.0
    static let version = PerformanceTarget(medianMilliseconds: 5)

    static func `for`(_ command: MeasuredCommand, on subject: RunbookSubject) -> PerformanceTarget {
        switch (command, subject) {
        case (.planOnConvergedRoot, .shipped): PerformanceTarget(medianMilliseconds: 10, floorRatio: 3)
        case (.applyOnConvergedRoot, .shipped): PerformanceTarget(medianMilliseconds: 12)
        case (.planOnConvergedRoot, .synthetic(steps: 100)): PerformanceTarget(medianMilliseconds: 8, floorRatio: 3)
        case (.planOnConvergedRoot, .synthetic(steps: 1_000)):
            PerformanceTarget(medianMilliseconds: 40, peakResidentMiB: 40, floorRatio: 3)
        case (.planOnConvergedRoot, .synthetic(steps: 10_000)):
            PerformanceTarget(medianMilliseconds: 400, peakResidentMiB: 150, floorRatio: 3)
        case (.planOnConvergedRoot, _): PerformanceTarget(floorRatio: 3)
        default: PerformanceTarget()
        }
    }

    func verdicts(for result: CaseResult) -> [TargetVerdict] {
        var verdicts: [TargetVerdict] = []
        if let medianMilliseconds {
            verdicts.append(TargetVerdict(requirement: "≤ \(MeasurementFormat.plain(medianMilliseconds)) ms",
                                          isMet: result.wall.median * 1000 <= medianMilliseconds))
        }
        if let peakResidentMiB {
            // An upper bound below the limit still proves the limit holds.
            verdicts.append(TargetVerdict(requirement: "≤ \(MeasurementFormat.plain(peakResidentMiB)) MiB",
                                          isMet: Double(result.peakResidentKiB) / 1024 <= peakResidentMiB))
        }
        if let floorRatio {
            verdicts.append(TargetVerdict(requirement: "≤ \(MeasurementFormat.plain(floorRatio))× floor",
                                          isMet: result.floorRatio <= floorRatio))
        }
        return verdicts
    }
}
