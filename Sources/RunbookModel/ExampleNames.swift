import RunbookMarkdown
import RunbookHost

/// Domain names reserved for examples and tests (RFC 2606, RFC 6761). A default that names one,
/// like `domain=inference.example.com` or `acme_email=ops@example.com`, was written for the
/// reader, never for a real server.
public enum ExampleNames {
    package static let domains = ["example.com", "example.net", "example.org"]
    package static let topLevel = ["example", "test", "invalid"]

    /// Whether `value` holds a reserved name: as a whole, after an `@`, or inside a URL.
    public static func appear(in value: String) -> Bool {
        let tokens = value.lowercased().split { !($0.isLetter || $0.isNumber || $0 == "." || $0 == "-") }
        return tokens.contains { token in
            let name = token.hasSuffix(".") ? token.dropLast() : token[...]
            guard name.contains(".") else { return false }
            if domains.contains(where: { name == $0 || name.hasSuffix("." + $0) }) { return true }
            return topLevel.contains { name.hasSuffix("." + $0) }
        }
    }
}
