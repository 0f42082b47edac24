#if canImport(Glibc)
import Glibc
#endif

/// The process: reads its configuration, binds, and serves every connection on a thread of its own.
///
/// Threads (plain pthreads), not an event loop, because the stand-in should be obviously right: a
/// streamed answer is a loop that writes a chunk and sleeps, and nothing else has to happen meanwhile.
enum StandInServer {
    static func main(environment: [String: String]) -> Never {
        let configuration: StandInConfiguration
        let listener: ListeningSocket
        let requestLog: RequestLog?
        do {
            configuration = try StandInConfiguration(environment: environment)
            requestLog = try configuration.requestLogPath.map { try RequestLog(path: $0) }
            listener = try ListeningSocket(address: configuration.listenAddress)
        } catch {
            StandardError.write("ollama-standin: \(error)")
            exit(2)
        }
        StandardError.write("ollama-standin listening on \(listener.boundAddress)")

        let api = OllamaAPI(configuration: configuration, hostGuard: HostGuard(listenerIsLoopback: listener.isLoopback))
        while true {
            guard let client = listener.accept() else { continue }
            ClientConnection(socket: client, api: api, requestLog: requestLog).start()
        }
    }
}
