/// One parsed HTTP/1.x request, body already read (and de-chunked).
struct HTTPRequest {
    var method: String
    /// The request target as sent, query included: `/api/generate`.
    var target: String
    /// `HTTP/1.1` or `HTTP/1.0`.
    var version: String
    /// In arrival order, names in lower case.
    var headers: [(name: String, value: String)]
    var body: [UInt8]

    var path: Substring { target.prefix { $0 != "?" } }

    /// The value of a header, repeats joined with ", " as HTTP allows.
    func header(_ name: String) -> String? {
        let values = headers.filter { $0.name == name }.map(\.value)
        return values.isEmpty ? nil : values.joined(separator: ", ")
    }

    /// Every header once, in order of first appearance, repeats joined.
    var mergedHeaders: [(name: String, value: String)] {
        var names: [String] = []
        for header in headers where !names.contains(header.name) { names.append(header.name) }
        return names.map { ($0, header($0)!) }
    }

    /// HTTP/1.1 keeps the connection unless told to close; HTTP/1.0 closes unless told to keep it.
    var wantsKeepAlive: Bool {
        let tokens = (header("connection") ?? "").lowercased().split(separator: ",").map { $0.trimmed(of: " \t") }
        if version == "HTTP/1.1" { return !tokens.contains("close") }
        return tokens.contains("keep-alive")
    }
}

extension Substring {
    /// The text without leading and trailing characters from `set` (HTTP's optional whitespace, mostly).
    func trimmed(of set: String) -> Substring {
        let drop: (Character) -> Bool = { set.contains($0) }
        guard let first = firstIndex(where: { !drop($0) }), let last = lastIndex(where: { !drop($0) }) else { return "" }
        return self[first...last]
    }
}
