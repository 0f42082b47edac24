import Foundation
import Glibc

/// What the figures depend on besides the code: the machine, its load while they were taken,
/// the binary measured and how many runs each figure summarises.
struct RunEnvironment {
    var date = RunEnvironment.utcTimestamp(Glibc.time(nil))
    var processorCount = ProcessInfo.processInfo.activeProcessorCount
    var kernel = RunEnvironment.kernelRelease()
    var loadAtStart = RunEnvironment.loadAverage()
    var loadAtEnd = ""
    var binary: String
    var binaryModified: String
    /// Engine sources edited since the binary was built, if any: the figures are for an older engine.
    var sourcesNewerThanBinary: [String] = []
    /// The binary loads Swift's shared libraries, unlike the static binary runbook ships as.
    var linksSwiftDynamically = false
    var runs: Int
    var warmups: Int

    /// Why the figures may not be the shipped engine's.
    var warnings: [String] {
        var warnings: [String] = []
        let newer = sourcesNewerThanBinary
        if !newer.isEmpty {
            let named = newer.prefix(3).joined(separator: ", ") + (newer.count > 3 ? " and \(newer.count - 3) more" : "")
            warnings.append("stale binary: \(named) changed after it was built; run `\(Self.staticBuild)` first")
        }
        if linksSwiftDynamically {
            warnings.append("the binary loads Swift's shared libraries, so it starts slower than the static one runbook "
                            + "ships as; for figures of the shipped binary run `\(Self.staticBuild)` and `.build/release/runbook-bench`")
        }
        return warnings
    }

    static let staticBuild = "swift build -c release --static-swift-stdlib --product runbook-bench"

    init(binary: String, runs: Int, warmups: Int) {
        self.binary = binary
        var status = stat()
        binaryModified = stat(binary, &status) == 0 ? RunEnvironment.utcTimestamp(status.st_mtim.tv_sec) : "unknown"
        self.runs = runs
        self.warmups = warmups
    }

    /// The 1, 5 and 15 minute load averages, as `uptime` shows them.
    static func loadAverage() -> String {
        let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
        let fields = text.split(separator: " ").prefix(3)
        return fields.count == 3 ? fields.joined(separator: ", ") : "unknown"
    }

    /// `strftime`, not a Foundation date formatter: that one loads ICU's time-zone data, megabytes
    /// that would stay resident in this process and so in every child's peak RSS (``LauncherMemory``).
    private static func utcTimestamp(_ seconds: time_t) -> String {
        var seconds = seconds
        var broken = tm()
        gmtime_r(&seconds, &broken)
        var buffer = [CChar](repeating: 0, count: 32)
        let length = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%SZ", &broken)
        return String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    private static func kernelRelease() -> String {
        var names = utsname()
        uname(&names)
        return withUnsafeBytes(of: &names.release) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
    }
}
