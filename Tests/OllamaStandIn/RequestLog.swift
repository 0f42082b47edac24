#if canImport(Glibc)
import Glibc
#endif

/// The file a test reads to learn what reached the backend: one JSON line per request.
///
///     {"method":"POST","path":"/api/generate","headers":{"host":"localhost","content-length":"63"},"status":200,"body_bytes":63}
///
/// Each line is appended with one `write(2)` to a file opened `O_APPEND`, so lines from concurrent
/// connections stay whole and are on disk (in the page cache) before the response is sent.
struct RequestLog: Sendable {
    private let descriptor: Int32

    init(path: String) throws(ConfigurationError) {
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .cannotOpenRequestLog(path, reason: String(cString: strerror(errno))) }
        self.descriptor = descriptor
    }

    func record(_ request: HTTPRequest, status: Int) {
        let entry: JSONValue = [
            "method": .string(request.method),
            "path": .string(request.target),
            "headers": .object(request.mergedHeaders.map { (key: $0.name, value: .string($0.value)) }),
            "status": .integer(status),
            "body_bytes": .integer(request.body.count),
        ]
        let line = Array((entry.encoded + "\n").utf8)
        _ = line.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
    }
}
