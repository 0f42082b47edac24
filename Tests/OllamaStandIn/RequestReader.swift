/// Reads HTTP/1.x requests one after another from a connection, keeping any bytes that arrive
/// early (pipelining) for the next request.
///
/// Bodies are read by `Content-Length` or, with `Transfer-Encoding: chunked`, chunk by chunk.
/// A client that sent `Expect: 100-continue` (curl does for bodies over 1 KiB) is told to go on.
final class RequestReader {
    static let maximumHeadBytes = 64 * 1024
    static let maximumBodyBytes = 32 * 1024 * 1024

    private let socket: ClientSocket
    private var buffer: [UInt8] = []
    private var position = 0

    init(socket: ClientSocket) {
        self.socket = socket
    }

    /// The next request, or `RequestReadError.closed` once the peer has hung up between requests.
    func next() throws(RequestReadError) -> HTTPRequest {
        let head = try readHead()
        var request = try Self.parseHead(head)
        let codings = request.header("transfer-encoding")?.lowercased()
        if let codings, !codings.isEmpty {
            guard codings.split(separator: ",").last?.trimmed(of: " \t") == "chunked" else {
                throw .unsupportedTransferEncoding(codings)
            }
            acknowledgeExpectation(of: request)
            request.body = try readChunkedBody()
        } else if let lengthText = request.header("content-length") {
            guard let length = Int(Substring(lengthText).trimmed(of: " \t")), length >= 0 else {
                throw .malformed("invalid Content-Length: \(lengthText)")
            }
            guard length <= Self.maximumBodyBytes else { throw .bodyTooLarge }
            if length > 0 { acknowledgeExpectation(of: request) }
            request.body = try readBytes(length)
        }
        return request
    }

    private func acknowledgeExpectation(of request: HTTPRequest) {
        if request.version == "HTTP/1.1", request.header("expect")?.lowercased() == "100-continue" {
            socket.write(Array("HTTP/1.1 100 Continue\r\n\r\n".utf8))
        }
    }

    // MARK: Head

    private func readHead() throws(RequestReadError) -> [UInt8] {
        // Blank lines before a request line are allowed (RFC 9112 §2.2).
        while true {
            try fill(atLeast: 2)
            if buffer[position] == 13 && buffer[position + 1] == 10 { position += 2 } else { break }
        }
        var scanned = position
        while true {
            let end = buffer.count
            while scanned + 3 < end {
                if buffer[scanned] == 13, buffer[scanned + 1] == 10, buffer[scanned + 2] == 13, buffer[scanned + 3] == 10 {
                    let head = Array(buffer[position..<scanned])
                    position = scanned + 4
                    return head
                }
                scanned += 1
            }
            guard end - position <= Self.maximumHeadBytes else { throw .headTooLarge }
            try fill(atLeast: end - position + 1)
        }
    }

    private static func parseHead(_ head: [UInt8]) throws(RequestReadError) -> HTTPRequest {
        let lines = String(decoding: head, as: UTF8.self).split(separator: "\r\n", omittingEmptySubsequences: false)
        let requestLine = lines[0].split(separator: " ", omittingEmptySubsequences: false)
        guard requestLine.count == 3, !requestLine[0].isEmpty, requestLine[1].hasPrefix("/") || requestLine[1] == "*",
              requestLine[2] == "HTTP/1.1" || requestLine[2] == "HTTP/1.0" else {
            throw .malformed("malformed request line")
        }
        var headers: [(name: String, value: String)] = []
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":"), colon != line.startIndex,
                  !line[..<colon].contains(" "), !line[..<colon].contains("\t") else {
                throw .malformed("malformed header line")
            }
            headers.append((line[..<colon].lowercased(), String(line[line.index(after: colon)...].trimmed(of: " \t"))))
        }
        return HTTPRequest(method: String(requestLine[0]), target: String(requestLine[1]), version: String(requestLine[2]),
                           headers: headers, body: [])
    }

    // MARK: Body

    private func readChunkedBody() throws(RequestReadError) -> [UInt8] {
        var body: [UInt8] = []
        while true {
            let sizeLine = String(decoding: try readLine(), as: UTF8.self)
            let sizeText = sizeLine.prefix { $0 != ";" }.trimmed(of: " \t")
            guard let size = Int(sizeText, radix: 16), size >= 0 else { throw .malformed("invalid chunk size") }
            if size == 0 { break }
            guard body.count + size <= Self.maximumBodyBytes else { throw .bodyTooLarge }
            body += try readBytes(size)
            guard try readLine().isEmpty else { throw .malformed("chunk not followed by CRLF") }
        }
        // Trailer fields, which the stand-in has no use for, end with an empty line.
        while try !readLine().isEmpty {}
        return body
    }

    // MARK: Buffer

    private func readLine() throws(RequestReadError) -> [UInt8] {
        var scanned = position
        while true {
            while scanned + 1 < buffer.count {
                if buffer[scanned] == 13 && buffer[scanned + 1] == 10 {
                    let line = Array(buffer[position..<scanned])
                    position = scanned + 2
                    return line
                }
                scanned += 1
            }
            guard buffer.count - position <= Self.maximumHeadBytes else { throw .malformed("line too long") }
            try fill(atLeast: buffer.count - position + 1)
        }
    }

    private func readBytes(_ count: Int) throws(RequestReadError) -> [UInt8] {
        try fill(atLeast: count)
        let bytes = Array(buffer[position..<position + count])
        position += count
        return bytes
    }

    /// Reads from the socket until at least `count` unread bytes are buffered.
    ///
    /// A hang-up, between requests or in the middle of one, leaves nobody to answer: `closed`.
    private func fill(atLeast count: Int) throws(RequestReadError) {
        if position > 0 && position == buffer.count {
            buffer.removeAll(keepingCapacity: true)
            position = 0
        } else if position > 64 * 1024 {
            buffer.removeFirst(position)
            position = 0
        }
        var chunk = [UInt8](repeating: 0, count: 64 * 1024)
        while buffer.count - position < count {
            let received = socket.read(into: &chunk)
            if received == 0 { throw .closed }
            buffer += chunk[0..<received]
        }
    }
}
