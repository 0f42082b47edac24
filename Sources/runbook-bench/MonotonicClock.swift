import Glibc

/// Nanoseconds on `CLOCK_MONOTONIC`, the clock that NTP and `date -s` cannot move, so a run that
/// straddles a clock adjustment is still timed right.
enum MonotonicClock {
    static func nanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    /// Seconds elapsed since `start`, a value of ``nanoseconds()``.
    static func secondsSince(_ start: UInt64) -> Double {
        Double(nanoseconds() - start) / 1e9
    }
}
