#if canImport(Glibc)
import Glibc
#endif

/// Ollama's defence against DNS rebinding, reproduced: when it listens on loopback, a request whose
/// `Host` names some other machine gets `403` with an empty body.
///
/// Allowed are no `Host` at all, `localhost`, this machine's hostname, names ending in `.localhost`,
/// `.local` or `.internal`, `[::1]`, and IPv4 addresses that are loopback, private, unspecified or one
/// of this machine's own. So nginx's `proxy_set_header Host localhost;` passes, while a proxy that forwards
/// `Host: inference.example.com` (or the upstream's name) is refused, as real Ollama would.
struct HostGuard: Sendable {
    var listenerIsLoopback: Bool

    func allows(_ request: HTTPRequest) -> Bool {
        guard listenerIsLoopback else { return true }
        let host = Self.hostname(in: request.header("host") ?? "").lowercased()
        if let octets = IPv4.octets(host) {
            if IPv4.isLocalRange(octets) || IPv4.interfaceAddresses().contains(host) { return true }
        }
        if host.isEmpty || host == "localhost" || host == "::1" || host == Self.machineName().lowercased() { return true }
        return [".localhost", ".local", ".internal"].contains { host.hasSuffix($0) }
    }

    /// `HOST` from `HOST:PORT`; `[v6]:port` and bare names are left to the comparisons.
    private static func hostname(in value: String) -> String {
        if value.hasPrefix("["), let close = value.firstIndex(of: "]") {
            return String(value[value.index(after: value.startIndex)..<close])
        }
        let parts = value.split(separator: ":", omittingEmptySubsequences: false)
        return parts.count == 2 ? String(parts[0]) : value
    }

    private static func machineName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count) == 0 else { return "" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
