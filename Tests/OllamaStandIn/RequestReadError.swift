/// Why no request could be read from a connection; all but `closed` are answered before closing it.
enum RequestReadError: Error {
    /// The peer hung up or went idle; there is nobody to answer.
    case closed
    case malformed(String)
    case headTooLarge
    case bodyTooLarge
    case unsupportedTransferEncoding(String)

    /// The answer to send, if any, before the connection is closed.
    var response: HTTPResponse? {
        switch self {
        case .closed: nil
        case .malformed(let reason): .error(400, reason)
        case .headTooLarge: .error(431, "request header fields too large")
        case .bodyTooLarge: .error(413, "request body too large")
        case .unsupportedTransferEncoding(let coding): .error(501, "unsupported transfer encoding: \(coding)")
        }
    }
}
