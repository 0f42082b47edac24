#if canImport(Glibc)
import Glibc
#endif

/// The two clock readings HTTP and Ollama need, formatted without Foundation's formatters.
enum Timestamps {
    /// Now as Go's `time.RFC3339Nano` in UTC, which is how Ollama writes `created_at`:
    /// `2026-04-21T09:54:18.622159665Z` (trailing zeros of the fraction dropped, as Go does).
    static func rfc3339Nano() -> String {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var fraction = String(now.tv_nsec)
        fraction = String(repeating: "0", count: 9 - fraction.count) + fraction
        while fraction.hasSuffix("0") { fraction.removeLast() }
        return format(now.tv_sec, "%Y-%m-%dT%H:%M:%S") + (fraction.isEmpty ? "" : "." + fraction) + "Z"
    }

    /// Now as an HTTP `Date` header value: `Tue, 21 Apr 2026 09:54:18 GMT`.
    static func httpDate() -> String {
        format(time(nil), "%a, %d %b %Y %H:%M:%S GMT")
    }

    private static func format(_ seconds: time_t, _ pattern: String) -> String {
        var seconds = seconds
        var parts = tm()
        gmtime_r(&seconds, &parts)
        var buffer = [CChar](repeating: 0, count: 64)
        let length = strftime(&buffer, buffer.count, pattern, &parts)
        return String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
