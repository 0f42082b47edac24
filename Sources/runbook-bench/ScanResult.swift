/// How fast ``MarkdownScanner`` read one large chapter, in-process.
struct ScanResult {
    var byteCount: Int
    /// Headings and code blocks found: proof the scan did its work, and that the optimiser kept it.
    var elementCount: Int
    var seconds: SampleSummary

    /// The median throughput, in MB (10⁶ bytes) per second, the figure the target is about.
    var medianMegabytesPerSecond: Double { Double(byteCount) / 1e6 / seconds.median }
}
