/// What one whole-process run cost: wall time from just before `posix_spawn` to `wait4`'s return,
/// and the child's peak resident set size from the `rusage` that `wait4` gives for that child alone.
struct ProcessMeasurement {
    var wallSeconds: Double
    /// `ru_maxrss`, in KiB on Linux.
    var peakResidentKiB: Int
    /// This benchmark's own resident size when it spawned the child. Glibc spawns with
    /// `CLONE_VM | CLONE_VFORK`, so the child starts life in this process's memory and the kernel
    /// counts that memory's high-water mark in the child's `ru_maxrss`. A child figure at or below
    /// this one may therefore be ours, not the child's: it is an upper bound, not a measurement.
    var launcherResidentKiB: Int
    var termination: ProcessTermination

    var isPeakResidentAnUpperBound: Bool {
        // A few pages of slack: our own resident size moves a little between reading it and spawning.
        peakResidentKiB <= launcherResidentKiB + 256
    }
}
