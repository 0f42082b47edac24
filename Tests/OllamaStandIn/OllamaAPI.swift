/// Ollama's routes, as far as the stand-in has them: the `Host` check first, then the path, then the
/// method.
///
/// | route              | methods   | answer                                   |
/// |--------------------|-----------|------------------------------------------|
/// | `/`                | GET, HEAD | `Ollama is running`                      |
/// | `/api/version`     | GET, HEAD | `{"version":"0.5.7"}`                    |
/// | `/api/tags`        | GET, HEAD | ``ModelCatalog/tags``                    |
/// | `/api/generate`    | POST      | ``GenerateEndpoint``                     |
/// | `/api/chat`        | POST      | ``ChatEndpoint``                         |
///
/// Any other path is `404 {"error":"not found"}`; a known path with another method is `405` with
/// an `Allow` header.
struct OllamaAPI: Sendable {
    static let version = "0.5.7"
    static let routes: [String: [String]] = [
        "/": ["GET", "HEAD"],
        "/api/version": ["GET", "HEAD"],
        "/api/tags": ["GET", "HEAD"],
        "/api/generate": ["POST"],
        "/api/chat": ["POST"],
    ]

    var configuration: StandInConfiguration
    var hostGuard: HostGuard

    func respond(to request: HTTPRequest) -> HTTPResponse {
        guard hostGuard.allows(request) else { return .empty(403) }
        let path = String(request.path)
        guard let methods = Self.routes[path] else { return .error(404, "not found") }
        guard methods.contains(request.method) else {
            var response = HTTPResponse.error(405, "method not allowed")
            response.headers = [("Allow", methods.joined(separator: ", "))]
            return response
        }
        switch path {
        case "/": return .text(200, "Ollama is running")
        case "/api/version": return .json(200, ["version": .string(Self.version)])
        case "/api/tags": return .json(200, ModelCatalog.tags)
        case "/api/generate": return GenerateEndpoint(configuration: configuration).respond(to: request)
        default: return ChatEndpoint(configuration: configuration).respond(to: request)
        }
    }
}
