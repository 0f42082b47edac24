import FoundationEssentials
import Glibc

/// One variable a runbook declares in a `vars` block.
///
/// The line `tls default=selfsigned values=selfsigned,acme,existing about="Where the certificate comes from"`
/// declares `tls` with a default, its allowed values and a description.
public struct VariableDeclaration: Sendable {
    public enum ValueType: String, Sendable { case string, integer }

    public var name: String
    public var defaultValue: String?
    public var about: String
    public var isSecret: Bool
    /// Random bytes to generate, written as hex, when no value is given.
    public var generatedBytes: Int?
    public var allowedValues: [String]?
    public var pattern: String?
    public var type: ValueType
    public var location: SourceLocation
    /// Where the default's value is written, for errors inside it.
    public var defaultLocation: SourceLocation?

    static let keys: Set<String> = ["default", "about", "secret", "generated", "values", "pattern", "type"]

    /// Parses the body of a `vars` block; `start` is where its first line is.
    static func parse(block body: String, start: SourceLocation) throws -> [VariableDeclaration] {
        var declarations: [VariableDeclaration] = []
        var collector = DiagnosticCollector()
        for (offset, line) in body.lines().enumerated() {
            let trimmed = line.trimmingBlanks()
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            let lineStart = SourceLocation(file: start.file, line: start.line + offset, column: start.column)
            if let declaration = try collector.attempt({ try parse(line: String(line), at: lineStart) }) {
                declarations.append(declaration)
            }
        }
        try collector.throwIfAny()
        return declarations
    }

    static func parse(line: String, at start: SourceLocation) throws -> VariableDeclaration {
        let words = try InfoStringParser.words(in: line, at: start)
        guard let nameWord = words.first, nameWord.value == nil else {
            throw Diagnostic("a variable line starts with the variable's name", at: words.first?.location ?? start,
                             hint: "for example: domain default=example.com about=\"The server's name\"")
        }
        guard VariableDeclaration.isValidName(nameWord.key) else {
            throw Diagnostic("'\(nameWord.key)' is not a valid variable name", at: nameWord.location,
                             hint: "use letters, digits and _, starting with a letter or _")
        }
        var seen: [String: InfoWord] = [:]
        for word in words.dropFirst() {
            guard keys.contains(word.key) else {
                throw Diagnostic("unknown variable attribute '\(word.key)'", at: word.location,
                                 hint: suggestion(for: word.key, among: keys, what: "variables take"))
            }
            if seen[word.key] != nil {
                throw Diagnostic("'\(word.key)' is given twice for variable '\(nameWord.key)'", at: word.location,
                                 hint: "keep one")
            }
            let isFlag = word.key == "secret"
            if isFlag && word.value != nil || !isFlag && word.value == nil {
                throw Diagnostic(isFlag ? "'secret' is a flag and takes no value" : "'\(word.key)' needs a value",
                                 at: word.location, hint: isFlag ? "write just secret" : "write \(word.key)=VALUE")
            }
            seen[word.key] = word
        }
        guard let about = seen["about"]?.value, !about.isEmpty else {
            throw Diagnostic("variable '\(nameWord.key)' has no description", at: nameWord.location,
                             hint: "add about=\"one line on what it is for\"")
        }
        var generatedBytes: Int?
        if let word = seen["generated"] {
            guard let bytes = Int(word.value ?? ""), bytes >= 16, bytes <= 1024 else {
                throw Diagnostic("generated= takes a number of random bytes from 16 to 1024", at: word.location,
                                 hint: "for example generated=32")
            }
            generatedBytes = bytes
        }
        var type = ValueType.string
        if let word = seen["type"] {
            guard let parsed = ValueType(rawValue: word.value ?? "") else {
                throw Diagnostic("unknown type '\(word.value ?? "")'", at: word.location, hint: "types are string and integer")
            }
            type = parsed
        }
        if let word = seen["pattern"], let problem = ValuePattern(source: word.value ?? "").compileError {
            throw Diagnostic("the pattern of '\(nameWord.key)' is not a valid regular expression: \(problem)", at: word.location,
                             hint: "it is a POSIX extended regular expression, as for grep -E, matched against the whole value")
        }
        return VariableDeclaration(
            name: nameWord.key, defaultValue: seen["default"]?.value, about: about,
            isSecret: seen["secret"] != nil || generatedBytes != nil, generatedBytes: generatedBytes,
            allowedValues: seen["values"]?.value.map { $0.split(separator: ",").map(String.init) },
            pattern: seen["pattern"]?.value, type: type, location: nameWord.location,
            defaultLocation: seen["default"]?.valueLocation)
    }

    public static func isValidName(_ name: String) -> Bool {
        isValidName(name.utf8)
    }

    /// ASCII letters, digits and `_`, not starting with a digit.
    static func isValidName<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
        guard let first = bytes.first, first == UInt8(ascii: "_") || isASCIILetter(first) else { return false }
        return bytes.allSatisfy { $0 == UInt8(ascii: "_") || isASCIILetter($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    private static func isASCIILetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }

    /// Why `value` is not acceptable for this variable, or nil when it is.
    public func problem(with value: String) -> String? {
        if type == .integer, Int(value) == nil {
            return "'\(name)' must be a whole number"
        }
        if let allowedValues, !allowedValues.contains(value) {
            return "'\(name)' must be one of \(allowedValues.joined(separator: ", "))"
        }
        if let pattern, !ValuePattern(source: pattern).matchesWhole(value) {
            return "'\(name)' must match the pattern \(pattern)"
        }
        return nil
    }
}

/// "did you mean 'mode'?" when a close name exists, else the list of known names.
func suggestion(for word: String, among known: Set<String>, what: String) -> String {
    let closest = known.min { editDistance(word, $0) < editDistance(word, $1) }
    if let closest, editDistance(word, closest) <= 2 {
        return "did you mean '\(closest)'?"
    }
    return "\(what) \(known.sorted().joined(separator: ", "))"
}

func editDistance(_ a: String, _ b: String) -> Int {
    let a = Array(a), b = Array(b)
    if a.isEmpty { return b.count }
    var previous = Array(0...b.count)
    for (i, characterA) in a.enumerated() {
        var current = [i + 1]
        for (j, characterB) in b.enumerated() {
            current.append(Swift.min(previous[j + 1] + 1, current[j] + 1, previous[j] + (characterA == characterB ? 0 : 1)))
        }
        previous = current
    }
    return previous[b.count]
}
