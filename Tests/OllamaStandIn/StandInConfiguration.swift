#if canImport(Glibc)
import Glibc
#endif

/// Everything the stand-in reads from its environment, checked once at start.
///
/// `OLLAMA_HOST=127.0.0.1:18434 STANDIN_CHUNKS=3 STANDIN_CHUNK_DELAY_MS=500` listens on loopback
/// port 18434 and streams three tokens half a second apart, then the final object.
struct StandInConfiguration: Sendable {
    var listenAddress: ListenAddress
    /// Tokens in an answer; a streamed answer sends each in its own chunk.
    var chunks: Int
    /// Pause before each streamed chunk after the first.
    var chunkDelayMilliseconds: Int
    var requestLogPath: String?

    init(environment: [String: String]) throws(ConfigurationError) {
        listenAddress = try ListenAddress(ollamaHost: environment["OLLAMA_HOST"])
        chunks = try Self.count(environment, "STANDIN_CHUNKS", default: 5)
        chunkDelayMilliseconds = try Self.count(environment, "STANDIN_CHUNK_DELAY_MS", default: 200)
        requestLogPath = environment["STANDIN_REQUEST_LOG"].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// The process's environment, read through `environ` so the stand-in needs no Foundation for it.
    static func processEnvironment() -> [String: String] {
        var environment: [String: String] = [:]
        var entry = environ
        while let pointer = entry.pointee {
            let text = String(cString: pointer)
            if let equals = text.firstIndex(of: "=") {
                environment[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            entry += 1
        }
        return environment
    }

    private static func count(_ environment: [String: String], _ name: String, default value: Int) throws(ConfigurationError) -> Int {
        guard let text = environment[name], !text.isEmpty else { return value }
        guard let number = Int(text), number >= 0, number <= 100_000 else {
            throw .notACount(variable: name, value: text)
        }
        return number
    }
}
