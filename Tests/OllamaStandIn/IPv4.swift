#if canImport(Glibc)
import Glibc
#endif

/// IPv4 addresses as text and as the ranges Ollama treats as local.
enum IPv4 {
    static func text(of address: in_addr) -> String {
        var address = address
        var buffer = [CChar](repeating: 0, count: Int(INET_ADDRSTRLEN))
        guard inet_ntop(AF_INET, &address, &buffer, socklen_t(buffer.count)) != nil else { return "?" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The four octets of a dotted quad, or nil when `text` is not one.
    static func octets(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        let octets = parts.compactMap { UInt8($0) }
        return octets.count == 4 ? octets : nil
    }

    /// Loopback, private (RFC 1918) or unspecified: the addresses Ollama accepts in `Host`.
    static func isLocalRange(_ octets: [UInt8]) -> Bool {
        switch (octets[0], octets[1]) {
        case (127, _), (10, _), (192, 168): true
        case (172, 16...31): true
        default: octets == [0, 0, 0, 0]
        }
    }

    /// The addresses of this machine's interfaces, as dotted quads.
    static func interfaceAddresses() -> Set<String> {
        var list: UnsafeMutablePointer<ifaddrs>?
        guard getifaddrs(&list) == 0 else { return [] }
        defer { freeifaddrs(list) }
        var addresses: Set<String> = []
        var entry = list
        while let current = entry {
            if let address = current.pointee.ifa_addr, address.pointee.sa_family == sa_family_t(AF_INET) {
                let inet = UnsafeRawPointer(address).assumingMemoryBound(to: sockaddr_in.self).pointee
                addresses.insert(text(of: inet.sin_addr))
            }
            entry = current.pointee.ifa_next
        }
        return addresses
    }
}
