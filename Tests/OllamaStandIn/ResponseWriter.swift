#if canImport(Glibc)
import Glibc
#endif

/// Puts an ``HTTPResponse`` on the wire: the status line and headers, then the body, whole or
/// streamed chunk by chunk.
struct ResponseWriter {
    let socket: ClientSocket

    /// Sends `response` and tells whether the connection can carry another request.
    ///
    /// `keepAlive` is what the client asked for. A streamed body to an HTTP/1.0 client cannot be
    /// chunked, so it ends by closing the connection instead.
    func send(_ response: HTTPResponse, for request: HTTPRequest?, keepAlive: Bool) -> Bool {
        let version = request?.version ?? "HTTP/1.1"
        let omitsBody = request?.method == "HEAD"
        var head = "HTTP/1.1 \(response.status) \(Self.reason(response.status))\r\n"
        if let contentType = response.contentType { head += "Content-Type: \(contentType)\r\n" }
        head += "Date: \(Timestamps.httpDate())\r\n"
        for header in response.headers { head += "\(header.name): \(header.value)\r\n" }

        switch response.body {
        case .bytes(let bytes):
            head += "Content-Length: \(bytes.count)\r\n" + connectionHeader(keepAlive: keepAlive, version: version) + "\r\n"
            return socket.write(Array(head.utf8) + (omitsBody ? [] : bytes)) && keepAlive
        case .lines(let stream):
            let chunked = version == "HTTP/1.1"
            let keepAlive = keepAlive && chunked
            if chunked { head += "Transfer-Encoding: chunked\r\n" }
            head += connectionHeader(keepAlive: keepAlive, version: version) + "\r\n"
            guard socket.write(Array(head.utf8)) else { return false }
            for index in 0..<stream.count {
                if index > 0 && stream.delayMilliseconds > 0 { usleep(UInt32(stream.delayMilliseconds) * 1000) }
                let line = Array((stream.line(index).encoded + "\n").utf8)
                let framed = chunked ? Array((String(line.count, radix: 16) + "\r\n").utf8) + line + [13, 10] : line
                guard socket.write(framed) else { return false }
            }
            return (chunked ? socket.write(Array("0\r\n\r\n".utf8)) : true) && keepAlive
        }
    }

    private func connectionHeader(keepAlive: Bool, version: String) -> String {
        if !keepAlive { return "Connection: close\r\n" }
        return version == "HTTP/1.0" ? "Connection: keep-alive\r\n" : ""
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 100: "Continue"
        case 200: "OK"
        case 204: "No Content"
        case 400: "Bad Request"
        case 403: "Forbidden"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 413: "Content Too Large"
        case 431: "Request Header Fields Too Large"
        case 500: "Internal Server Error"
        case 501: "Not Implemented"
        default: "Status \(status)"
        }
    }
}
