#if canImport(Glibc)
import Glibc
#endif

/// One accepted TCP connection: blocking reads and whole writes, nothing more.
struct ClientSocket: Sendable {
    let descriptor: Int32
    /// `ADDRESS:PORT` of the other end, for the log.
    let peer: String

    /// An idle keep-alive connection is dropped after this long, so abandoned ones don't pile up threads.
    static let idleTimeoutSeconds = 600

    func configure() {
        var on: Int32 = 1
        // Each streamed chunk is a separate small write that must leave at once, not wait for an ACK.
        setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &on, socklen_t(MemoryLayout<Int32>.size))
        var timeout = timeval(tv_sec: Self.idleTimeoutSeconds, tv_usec: 0)
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
    }

    /// Reads what is available into `buffer`; 0 means the peer closed (or went idle too long).
    func read(into buffer: inout [UInt8]) -> Int {
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            return max(count, 0)
        }
    }

    /// Writes every byte; false when the peer is gone.
    @discardableResult
    func write(_ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = send(descriptor, buffer.baseAddress! + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
                if written < 0 && errno == EINTR { continue }
                if written <= 0 { return false }
                offset += written
            }
            return true
        }
    }

    func close() {
        _ = Glibc.close(descriptor)
    }
}
