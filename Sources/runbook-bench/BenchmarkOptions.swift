/// The benchmark's command line.
///
/// `runbook-bench --sizes 100,1000 --runs 5 --output docs/BENCHMARKS-results.md` measures the 100-
/// and 1,000-step runbooks (and the shipped one) five times each after one warm-up run, and writes
/// the table to the file as well as printing it.
struct BenchmarkOptions {
    var runbookBinary: String?
    var packageRoot: String?
    var outputPath: String?
    var isSmoke = false
    var sizes = [10, 100, 1_000, 10_000]
    var runs = 7
    var warmups = 1
    var scanBytes = 10_000_000
    var pathologicalScanBytes = 1_000_000
    var isHelpRequested = false
    /// `--write-runbook DIR`: only write a synthetic runbook there (for profiling it by hand).
    var runbookDirectoryToWrite: String?
    var stepsToWrite = 1_000

    static let usage = """
        USAGE: runbook-bench [options]

        Measures the release `runbook` binary as whole processes (check, plan and apply on fresh
        and converged roots) on synthetic runbooks and on the shipped Runbook/, next to the cost of
        just reading the same files, and the Markdown scanner's throughput in-process.

        OPTIONS
          --runbook-binary PATH  The `runbook` to measure (default: the one beside this program)
          --package-root DIR     The package holding Runbook/ (default: found from this program)
          --output FILE          Also write the Markdown results table to FILE
          --sizes N,N,...        Synthetic runbook sizes in steps (default 10,100,1000,10000)
          --runs N               Measured runs per case (default 7)
          --warmups N            Unmeasured runs before them (default 1)
          --scan-megabytes N     Size of the chapter the scanner reads (default 10)
          --pathological-kilobytes N
                                 Smaller size of each pathological scanner input; the larger is
                                 twice it (default 1000)
          --write-runbook DIR    Only write a synthetic runbook into DIR, to profile `runbook` on it
          --steps N              Its size in steps (default 1000)
          --smoke                10 steps, 1 run, no warm-up: exits 0 when every command exits as
                                 it must. No timing is asserted, ever.
          -h, --help             This help

        Build and run: swift run -c release runbook-bench
        """

    init(parsing arguments: [String]) throws {
        var remaining = arguments[...]
        while let flag = remaining.popFirst() {
            func value() throws -> String {
                guard let next = remaining.popFirst() else { throw BenchmarkError.usage("\(flag) needs a value") }
                return next
            }
            func count(atLeast minimum: Int) throws -> Int {
                let text = try value()
                guard let number = Int(text), number >= minimum else {
                    throw BenchmarkError.usage("\(flag) needs a whole number of at least \(minimum), not \(text)")
                }
                return number
            }
            switch flag {
            case "--runbook-binary": runbookBinary = try value()
            case "--package-root": packageRoot = try value()
            case "--output": outputPath = try value()
            case "--sizes":
                let text = try value()
                let parsed = text.split(separator: ",").map { Int($0.filter { $0 != "_" }) }
                guard !parsed.isEmpty, parsed.allSatisfy({ ($0 ?? 0) > 0 }) else {
                    throw BenchmarkError.usage("--sizes needs step counts like 10,100,1000, not \(text)")
                }
                sizes = parsed.compactMap { $0 }
            case "--runs": runs = try count(atLeast: 1)
            case "--warmups": warmups = try count(atLeast: 0)
            case "--scan-megabytes": scanBytes = try count(atLeast: 1) * 1_000_000
            case "--pathological-kilobytes": pathologicalScanBytes = try count(atLeast: 1) * 1_000
            case "--write-runbook": runbookDirectoryToWrite = try value()
            case "--steps": stepsToWrite = try count(atLeast: 1)
            case "--smoke": isSmoke = true
            case "-h", "--help": isHelpRequested = true
            default: throw BenchmarkError.usage("unknown option \(flag)")
            }
        }
        if isSmoke {
            // Enough to prove every command still exits as it must, in a couple of seconds.
            sizes = [10]
            runs = 1
            warmups = 0
            scanBytes = 100_000
            pathologicalScanBytes = 10_000
        }
    }
}
