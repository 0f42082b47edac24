import Foundation

/// How figures are written in the table: milliseconds with enough digits to tell 1.2 ms from
/// 1.4 ms, sizes in MiB, counts with thousands separators as in the issue ("10,000 steps").
enum MeasurementFormat {
    static func milliseconds(_ seconds: Double) -> String {
        let value = seconds * 1000
        return value < 10 ? String(format: "%.2f ms", value) : value < 100 ? String(format: "%.1f ms", value)
            : String(format: "%.0f ms", value)
    }

    static func mebibytes(kibibytes: Int) -> String {
        String(format: "%.1f MiB", Double(kibibytes) / 1024)
    }

    static func ratio(_ value: Double) -> String {
        String(format: "%.2f×", value)
    }

    static func throughput(bytes: Int, seconds: Double) -> String {
        String(format: "%.0f MB/s", Double(bytes) / 1e6 / seconds)
    }

    /// A limit from the issue as written there: 5, 40, 2.5.
    static func plain(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%g", value)
    }

    static func count(_ value: Int) -> String {
        let digits = Array(String(value))
        var grouped = ""
        for (index, digit) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { grouped += "," }
            grouped.append(digit)
        }
        return grouped
    }
}
