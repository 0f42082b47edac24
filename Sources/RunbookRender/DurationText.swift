/// A duration as the apply output shows it: `12 ms`, `1.5 s`, `2 min 5 s`.
package enum DurationText {
    package static func of(_ seconds: Double) -> String {
        if seconds < 1 { return "\(Int((seconds * 1000).rounded())) ms" }
        if seconds < 60 {
            let tenths = Int((seconds * 10).rounded())
            return "\(tenths / 10).\(tenths % 10) s"
        }
        return minutes(Int(seconds.rounded()))
    }

    /// Whole seconds, for a live line that changes once a second.
    package static func elapsed(_ seconds: Double) -> String {
        let whole = Int(seconds)
        return whole < 60 ? "\(whole) s" : minutes(whole)
    }

    /// To the millisecond, as the JSON documents give seconds: finer is noise.
    package static func milliseconds(_ seconds: Double) -> Double { (seconds * 1000).rounded() / 1000 }

    private static func minutes(_ seconds: Int) -> String { "\(seconds / 60) min \(seconds % 60) s" }
}
