/// One requirement from the issue and whether this run met it, as shown in the table's target
/// column: `≤ 40 ms: met`. A missed target is reported, never asserted: the exit status of the
/// benchmark only says whether the commands behaved.
struct TargetVerdict {
    var requirement: String
    var isMet: Bool

    var rendered: String {
        isMet ? "\(requirement): met" : "\(requirement): **missed**"
    }
}
