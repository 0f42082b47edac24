/// The benchmark's report: where the figures were taken, the Markdown table, and what the columns
/// mean, ready to print or to keep as `docs/BENCHMARKS-results.md`.
struct ResultsTable {
    var environment: RunEnvironment
    var rows: [TableRow] = []
    /// Commands that did not exit as they must: the one thing that makes the benchmark fail.
    var failures: [String] = []

    func markdown() -> String {
        var lines = [
            "# runbook benchmark results",
            "",
            "- taken \(environment.date) on \(environment.processorCount) CPUs, Linux \(environment.kernel); "
                + "load average \(environment.loadAtStart) at the start, \(environment.loadAtEnd) at the end",
            "- binary `\(environment.binary)` (built \(environment.binaryModified))",
        ]
        lines += environment.warnings.map { "- **\($0)**" }
        lines += [
            "- each figure: \(environment.runs) measured run(s) after \(environment.warmups) warm-up run(s); "
                + "every run is followed by one run of its floor",
            "",
            "| case | median | min | max | peak RSS | floor | ratio | target |",
            "|---|---:|---:|---:|---:|---:|---:|---|",
        ]
        lines += rows.map { "| " + $0.cells.joined(separator: " | ") + " |" }
        lines += [
            "",
            "- Every command is a whole process, timed from `posix_spawn` to `wait4` on `CLOCK_MONOTONIC`, "
                + "output to `/dev/null`. Peak RSS is the largest `ru_maxrss` of the measured runs.",
            "- floor: the median of one `/bin/cat` process reading the files the command must read, to "
                + "`/dev/null`: the chapters for `check` and fresh roots, the chapters and every managed file for "
                + "converged roots; `/bin/true` for `--version`. ratio = median / floor.",
            "- growth rows: the larger runbook's figure over the smaller's (medians, minima, maxima); the floor "
                + "column is the floor's own growth.",
            "- `≤` before a peak RSS: the figure is not above the benchmark's own resident size at the spawn. "
                + "Linux counts the spawning process's memory in a `posix_spawn`ed child's `ru_maxrss`, so such "
                + "a figure is an upper bound of the child's peak, not a measurement.",
            "- Targets are issue #6's, for medians on the project's 2-core machines. They are reported, "
                + "never asserted.",
        ]
        if !failures.isEmpty {
            lines += ["", "## Commands that did not exit as expected", ""] + failures.map { "- " + $0 }
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
