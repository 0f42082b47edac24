#if canImport(Glibc)
import Glibc
#endif

/// A bound, listening IPv4 TCP socket: the one place the stand-in asks the kernel for connections.
struct ListeningSocket {
    let descriptor: Int32
    /// The address actually bound, with the port the kernel chose when asked for port 0.
    let boundAddress: ListenAddress

    init(address: ListenAddress) throws(ConfigurationError) {
        var hints = addrinfo()
        hints.ai_family = AF_INET
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        hints.ai_flags = AI_PASSIVE
        var resolved: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(address.host, String(address.port), &hints, &resolved)
        guard status == 0, let info = resolved else {
            throw .cannotBind(address.description, reason: String(cString: gai_strerror(status)))
        }
        defer { freeaddrinfo(resolved) }

        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw .cannotBind(address.description, reason: Self.lastError()) }
        // A test that restarts the stand-in on the same port must not wait out TIME_WAIT.
        var on: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        guard bind(descriptor, info.pointee.ai_addr, info.pointee.ai_addrlen) == 0,
              listen(descriptor, 128) == 0 else {
            let reason = Self.lastError()
            close(descriptor)
            throw .cannotBind(address.description, reason: reason)
        }

        var bound = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &bound) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) }
        }
        self.descriptor = descriptor
        self.boundAddress = ListenAddress(host: IPv4.text(of: bound.sin_addr), port: UInt16(bigEndian: bound.sin_port))
    }

    /// Whether only this machine can connect, which is when Ollama checks the `Host` header.
    var isLoopback: Bool { boundAddress.host.hasPrefix("127.") }

    /// The next connection, or nil after a transient failure (the caller simply asks again).
    func accept() -> ClientSocket? {
        var peer = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let client = withUnsafeMutablePointer(to: &peer) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.accept(descriptor, $0, &length) }
        }
        guard client >= 0 else {
            // Out of descriptors or similar: back off briefly instead of spinning.
            if errno != EINTR && errno != ECONNABORTED { usleep(10_000) }
            return nil
        }
        return ClientSocket(descriptor: client, peer: "\(IPv4.text(of: peer.sin_addr)):\(UInt16(bigEndian: peer.sin_port))")
    }

    private static func lastError() -> String { String(cString: strerror(errno)) }
}
