/// `--host [user@]name[:port]`: one server, named as ssh takes it, so the user's ~/.ssh/config
/// applies to the name (a `Host` alias, ProxyJump, its User and Port).
///
/// `deploy@web-1.example.com:2222`, `10.0.0.7`, `[2001:db8::7]:22`. A name that starts with `-`
/// is refused: ssh would read it as an option.
public struct SSHTarget: Sendable, Equatable, CustomStringConvertible {
    public var user: String?
    public var name: String
    public var port: Int?

    /// Why a `--host` word is not a host, and how to write one.
    public struct Invalid: Error, Sendable {
        public var message: String
        public var hint = "write --host [user@]name[:port], like --host root@web-1.example.com or --host deploy@10.0.0.7:2222"
    }

    public init(parsing text: String) throws(Invalid) {
        var rest = Substring(text)
        if let at = rest.lastIndex(of: "@") {
            user = String(rest[..<at])
            rest = rest[rest.index(after: at)...]
            guard let user, Self.isPlainWord(user) else { throw Invalid(message: "--host has an empty or unusable user name") }
        }
        if rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { throw Invalid(message: "--host has a '[' with no ']'") }
            name = String(rest[rest.index(after: rest.startIndex)..<close])
            rest = rest[rest.index(after: close)...]
            guard !name.isEmpty, name.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) else {
                throw Invalid(message: "--host has no IPv6 address between its brackets")
            }
        } else {
            let end = rest.firstIndex(of: ":") ?? rest.endIndex
            name = String(rest[..<end])
            rest = rest[end...]
            guard Self.isPlainWord(name) else { throw Invalid(message: "--host has an empty or unusable host name") }
        }
        if rest.hasPrefix(":") {
            guard let number = Int(rest.dropFirst()), (1...65535).contains(number) else {
                throw Invalid(message: "--host has a port that is not a number from 1 to 65535")
            }
            port = number
        } else if !rest.isEmpty {
            throw Invalid(message: "--host has something after the host name that is not :PORT")
        }
    }

    /// What ssh is given as the destination.
    public var destination: String { user.map { "\($0)@\(name)" } ?? name }

    public var description: String {
        let host = name.contains(":") ? "[\(name)]" : name
        return (user.map { "\($0)@" } ?? "") + host + (port.map { ":\($0)" } ?? "")
    }

    /// Letters, digits, `.`, `_` and `-`, not first: a host name, an alias or a login name, and
    /// nothing a shell or ssh's option parser would read as more.
    private static func isPlainWord(_ word: String) -> Bool {
        !word.isEmpty && !word.hasPrefix("-")
            && word.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || ".-_".unicodeScalars.contains($0)) }
    }
}
