/// An answer to one request: status, content type and a body that is either ready or streamed.
struct HTTPResponse {
    enum Body {
        case bytes([UInt8])
        /// Sent with `Transfer-Encoding: chunked`, one line per chunk, each line made when it is due.
        case lines(LineStream)
    }

    var status: Int
    var contentType: String?
    var headers: [(name: String, value: String)] = []
    var body: Body

    /// Go's `c.JSON`, which is what Ollama answers with: compact, `charset=utf-8`.
    static func json(_ status: Int, _ value: JSONValue) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "application/json; charset=utf-8", body: .bytes(Array(value.encoded.utf8)))
    }

    static func text(_ status: Int, _ text: String) -> HTTPResponse {
        HTTPResponse(status: status, contentType: "text/plain; charset=utf-8", body: .bytes(Array(text.utf8)))
    }

    /// Ollama's error shape: `{"error":"model is required"}`.
    static func error(_ status: Int, _ message: String) -> HTTPResponse {
        json(status, ["error": .string(message)])
    }

    static func empty(_ status: Int) -> HTTPResponse {
        HTTPResponse(status: status, contentType: nil, body: .bytes([]))
    }

    static func ndjson(_ stream: LineStream) -> HTTPResponse {
        HTTPResponse(status: 200, contentType: "application/x-ndjson", body: .lines(stream))
    }
}
