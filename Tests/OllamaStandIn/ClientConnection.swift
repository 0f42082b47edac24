#if canImport(Glibc)
import Glibc
#endif

/// One client's connection, served on a thread of its own: requests are read and answered in turn
/// for as long as both sides keep the connection open (HTTP/1.1 keep-alive, which nginx uses upstream).
final class ClientConnection: Sendable {
    let socket: ClientSocket
    let api: OllamaAPI
    let requestLog: RequestLog?

    init(socket: ClientSocket, api: OllamaAPI, requestLog: RequestLog?) {
        self.socket = socket
        self.api = api
        self.requestLog = requestLog
    }

    /// Serves the connection on a new detached thread; the thread owns the connection until it closes.
    func start() {
        let retained = Unmanaged.passRetained(self).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, { argument in
            Unmanaged<ClientConnection>.fromOpaque(argument!).takeRetainedValue().serve()
            return nil
        }, retained)
        guard status == 0 else {
            StandardError.write("\(socket.peer) dropped: cannot start a thread (\(status))")
            Unmanaged<ClientConnection>.fromOpaque(retained).release()
            socket.close()
            return
        }
        pthread_detach(thread)
    }

    func serve() {
        socket.configure()
        defer { socket.close() }
        let reader = RequestReader(socket: socket)
        let writer = ResponseWriter(socket: socket)
        while true {
            let request: HTTPRequest
            do throws(RequestReadError) {
                request = try reader.next()
            } catch {
                if let response = error.response {
                    StandardError.write("\(socket.peer) unreadable request: \(response.status)")
                    _ = writer.send(response, for: nil, keepAlive: false)
                }
                return
            }
            let response = api.respond(to: request)
            StandardError.write("\(socket.peer) \"\(request.method) \(request.target) \(request.version)\" \(response.status)")
            requestLog?.record(request, status: response.status)
            guard writer.send(response, for: request, keepAlive: request.wantsKeepAlive) else { return }
        }
    }
}
