/// The measured runs of one ``BenchmarkCase`` and of its floor, run alternately so that both saw
/// the same neighbours on the machine.
struct CaseResult {
    var name: String
    var wall: SampleSummary
    /// The largest `ru_maxrss` of the measured runs.
    var peakResidentKiB: Int
    /// The peak is no larger than the benchmark's own memory at the spawn, so it bounds the child's
    /// peak from above rather than measuring it (see ``ProcessMeasurement/launcherResidentKiB``).
    var isPeakResidentAnUpperBound: Bool
    var floor: SampleSummary
    var target: PerformanceTarget
    /// Runs that ended with another status than the case expects, explained.
    var failures: [String]

    var floorRatio: Double { wall.median / floor.median }
}
