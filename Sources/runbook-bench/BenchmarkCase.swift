/// One command measured as a whole process: how to set up each run, the exit status it must end
/// with, the floor it is set against and what the issue asks of it.
struct BenchmarkCase {
    var name: String
    var expectedExit: Int32
    /// A process doing the least the command must do: reading the same files (`/bin/cat` of them to
    /// `/dev/null`), or nothing at all (`/bin/true`) for `--version`.
    var floor: ProcessInvocation
    var target: PerformanceTarget
    /// Makes what one run needs, such as a fresh root, before the clock starts; returns the command.
    var prepareRun: () throws -> ProcessInvocation
    /// Cleans up after one run, once the clock has stopped.
    var finishRun: () -> Void = {}
}
