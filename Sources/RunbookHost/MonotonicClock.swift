import Glibc

/// Time on `CLOCK_MONOTONIC`, the clock that NTP and `date -s` cannot move: what durations,
/// deadlines and pauses are measured on, so a step that straddles a clock adjustment is still
/// timed right. The wall-clock time that snapshots record is ``Clock``.
package enum MonotonicClock {
    package static func nanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    /// Seconds elapsed since `start`, a value of ``nanoseconds()``.
    package static func secondsSince(_ start: UInt64) -> Double {
        Double(nanoseconds() - start) / 1e9
    }

    /// Waits `seconds`, all of them: a signal that interrupts the wait does not shorten it.
    package static func pause(seconds: Double) {
        var pause = timespec(tv_sec: Int(seconds), tv_nsec: Int((seconds - seconds.rounded(.down)) * 1e9))
        var remaining = timespec()
        while nanosleep(&pause, &remaining) != 0 && errno == EINTR { pause = remaining }
    }
}
