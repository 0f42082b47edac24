/// The IPv4 address and port to listen on, read from `OLLAMA_HOST` the way Ollama reads it.
///
/// | `OLLAMA_HOST`                | listens on        |
/// |------------------------------|-------------------|
/// | unset or empty               | `0.0.0.0:11434`   |
/// | `127.0.0.1:18434`            | `127.0.0.1:18434` |
/// | `127.0.0.1`                  | `127.0.0.1:11434` |
/// | `:18434`                     | `0.0.0.0:18434`   |
/// | `http://127.0.0.1:18434/`    | `127.0.0.1:18434` |
///
/// The default is every interface, as with Ollama's Linux install script, so a test can watch the
/// runbook's first chapter move it to loopback. A bare host keeps port 11434 even after `http://`
/// (Ollama itself would take 80 there); IPv6 is not supported.
struct ListenAddress: Sendable, CustomStringConvertible {
    static let defaultPort: UInt16 = 11434

    var host: String
    var port: UInt16

    init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    init(ollamaHost: String?) throws(ConfigurationError) {
        let raw = ollamaHost ?? ""
        var text = Substring(raw).trimmed(of: " \t\r\n")
        for scheme in ["http://", "https://"] where text.lowercased().hasPrefix(scheme) {
            text = text.dropFirst(scheme.count)
        }
        if let slash = text.firstIndex(of: "/") { text = text[..<slash] }
        if text.hasPrefix("[") { throw .badListenAddress(raw, reason: "IPv6 addresses are not supported") }

        guard let colon = text.lastIndex(of: ":") else {
            self.init(host: text.isEmpty ? "0.0.0.0" : String(text), port: Self.defaultPort)
            return
        }
        let host = text[..<colon]
        let portText = text[text.index(after: colon)...]
        guard let port = UInt16(portText) else {
            throw .badListenAddress(raw, reason: "'\(portText)' is not a port number")
        }
        self.init(host: host.isEmpty ? "0.0.0.0" : String(host), port: port)
    }

    var description: String { "\(host):\(port)" }
}
