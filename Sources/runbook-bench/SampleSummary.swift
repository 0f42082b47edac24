/// The median, minimum and maximum of repeated measurements. The median is what targets are
/// checked against: on a shared machine one slow run says more about the neighbours than about us.
struct SampleSummary {
    var median: Double
    var minimum: Double
    var maximum: Double
    var count: Int

    init(_ samples: [Double]) {
        precondition(!samples.isEmpty, "a summary needs at least one sample")
        let sorted = samples.sorted()
        let middle = sorted.count / 2
        median = sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
        minimum = sorted[0]
        maximum = sorted[sorted.count - 1]
        count = sorted.count
    }
}
