import FoundationEssentials
import Glibc
import RunbookMarkdown
import RunbookHost

/// One variable a runbook declares in a `vars` block.
///
/// The line `tls default=selfsigned values=selfsigned,acme,existing about="Where the certificate comes from"`
/// declares `tls` with a default, its allowed values and a description.
public struct VariableDeclaration: Sendable {
    public enum ValueType: String, Sendable { case string, integer }

    public var name: String
    public var defaultValue: String?
    /// The default is only an example (`example=inference.example.com`): it works in a sandbox
    /// (`--root`), but a live apply refuses to run with it.
    public var defaultIsExample: Bool
    /// No value is safe to assume (`required`): one must be given, or kept from an earlier apply.
    public var isRequired: Bool
    public var about: String
    public var isSecret: Bool
    /// Random bytes to generate, written as hex, when no value is given.
    public var generatedBytes: Int?
    public var allowedValues: [String]?
    public var pattern: String?
    /// For a secret: the fewest characters its value may have (``defaultSecretMinimumLength`` unless declared).
    public var minimumLength: Int
    /// What to tell an operator whose value is refused, like "make one with openssl rand -hex 32".
    public var hint: String?
    public var type: ValueType
    public var location: SourceLocation
    /// Where the default's value is written, for errors inside it.
    public var defaultLocation: SourceLocation?

    package static let keys: Set<String> = ["default", "example", "required", "about", "secret", "generated", "values", "pattern", "type",
                                            "minlength", "hint"]
    private static let flags: Set<String> = ["secret", "required"]

    /// Masking replaces a secret's every occurrence in output, so a short one would mask ordinary
    /// text too, and show where the secret's letters are. Shorter ones must be declared.
    public static let defaultSecretMinimumLength = 16

    /// One declaration's lines: the one naming the variable, and the indented ones that continue it.
    package struct Lines {
        package var lines: [(text: String, start: SourceLocation)]
        /// Where the declaration starts, for a problem with the whole of it.
        package var start: SourceLocation { lines[0].start }
    }

    /// A `vars` block's body as declarations: a line that starts with a space or a tab continues
    /// the declaration above it, so a long one can put each attribute on a line of its own and
    /// stay readable where code boxes do not wrap (GitHub). Blank lines end a declaration;
    /// comment lines are left out. An indented line with no declaration above it is refused.
    package static func lineGroups(in body: String, start: SourceLocation) -> [Result<Lines, Diagnostic>] {
        var groups: [Result<Lines, Diagnostic>] = []
        var current: Lines?
        for (offset, line) in body.lines().enumerated() {
            let lineStart = SourceLocation(file: start.file, line: start.line + offset, column: start.column)
            let trimmed = line.trimmingBlanks()
            if trimmed.hasPrefix("#") { continue }
            if trimmed.isEmpty {
                current.map { groups.append(.success($0)) }
                current = nil
                continue
            }
            let continues = line.first == " " || line.first == "\t"
            if continues, current != nil {
                current?.lines.append((String(line), lineStart))
                continue
            }
            current.map { groups.append(.success($0)) }
            current = nil
            if continues {
                let indent = line.prefix { $0 == " " || $0 == "\t" }.count
                groups.append(.failure(Diagnostic("this indented line continues a declaration, but none is above it",
                                                  at: SourceLocation(file: start.file, line: lineStart.line, column: start.column + indent),
                                                  hint: "start a declaration at the beginning of its line, with the variable's name; indent only the lines that continue it")))
                continue
            }
            current = Lines(lines: [(String(line), lineStart)])
        }
        current.map { groups.append(.success($0)) }
        return groups
    }

    /// Parses the body of a `vars` block; `start` is where its first line is.
    package static func parse(block body: String, start: SourceLocation) throws -> [VariableDeclaration] {
        var declarations: [VariableDeclaration] = []
        var collector = DiagnosticCollector()
        for group in lineGroups(in: body, start: start) {
            if let declaration = try collector.attempt({ try parse(group.get()) }) {
                declarations.append(declaration)
            }
        }
        try collector.throwIfAny()
        return declarations
    }

    package static func parse(_ declaration: Lines) throws -> VariableDeclaration {
        let start = declaration.start
        let words = try declaration.lines.flatMap { try InfoStringParser.words(in: $0.text, at: $0.start) }
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
            let isFlag = flags.contains(word.key)
            if isFlag && word.value != nil || !isFlag && word.value == nil {
                throw Diagnostic(isFlag ? "'\(word.key)' is a flag and takes no value" : "'\(word.key)' needs a value",
                                 at: word.location, hint: isFlag ? "write just \(word.key)" : "write \(word.key)=VALUE")
            }
            seen[word.key] = word
        }
        if let example = seen["example"], seen["default"] != nil {
            throw Diagnostic("'\(nameWord.key)' has both a default and an example", at: example.location,
                             hint: "an example is a default that a live apply refuses; keep one of them")
        }
        if let required = seen["required"],
           let other = ["default", "example", "generated"].first(where: { seen[$0] != nil }) {
            throw Diagnostic("'\(nameWord.key)' is required, so it cannot also have \(other)=", at: required.location,
                             hint: "required means no value is safe to assume; drop required, or drop \(other)=")
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
        var minimumLength = 1
        if let word = seen["minlength"] {
            guard seen["secret"] != nil || generatedBytes != nil else {
                throw Diagnostic("minlength= is for secrets", at: word.location,
                                 hint: "use pattern= to limit other values, or add secret")
            }
            guard let length = Int(word.value ?? ""), length >= 1, length <= 4096 else {
                throw Diagnostic("minlength= takes a number of characters from 1 to 4096", at: word.location,
                                 hint: "for example minlength=8")
            }
            minimumLength = length
        } else if seen["secret"] != nil || generatedBytes != nil {
            minimumLength = defaultSecretMinimumLength
        }
        if let word = seen["pattern"], let problem = ValuePattern(source: word.value ?? "").compileError {
            throw Diagnostic("the pattern of '\(nameWord.key)' is not a valid regular expression: \(problem)", at: word.location,
                             hint: "it is a POSIX extended regular expression, as for grep -E, matched against the whole value")
        }
        return VariableDeclaration(
            name: nameWord.key, defaultValue: (seen["default"] ?? seen["example"])?.value, defaultIsExample: seen["example"] != nil,
            isRequired: seen["required"] != nil, about: about,
            isSecret: seen["secret"] != nil || generatedBytes != nil, generatedBytes: generatedBytes,
            allowedValues: seen["values"]?.value.map { $0.split(separator: ",").map(String.init) },
            pattern: seen["pattern"]?.value, minimumLength: minimumLength, hint: seen["hint"]?.value, type: type,
            location: nameWord.location,
            defaultLocation: (seen["default"] ?? seen["example"])?.valueLocation)
    }

    public static func isValidName(_ name: String) -> Bool {
        isValidName(name.utf8)
    }

    /// ASCII letters, digits and `_`, not starting with a digit.
    package static func isValidName<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Bool {
        guard let first = bytes.first, first == UInt8(ascii: "_") || isASCIILetter(first) else { return false }
        return bytes.allSatisfy { $0 == UInt8(ascii: "_") || isASCIILetter($0) || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }
    }

    private static func isASCIILetter(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte) || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
    }

    /// Why `value` is not acceptable for this variable, or nil when it is. The message never
    /// repeats the value: it may be a secret.
    public func problem(with value: String) -> String? {
        if isSecret, let problem = secretProblem(with: value) { return problem }
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

extension VariableDeclaration {
    /// A secret is one line of printable characters, never empty and never too short to mask.
    /// Multi-line and control-character secrets are refused rather than masked line by line:
    /// a diff, a JSON escape or a terminal would each show them in a form the mask does not match.
    package func secretProblem(with value: String) -> String? {
        if value.isEmpty {
            return "the secret '\(name)' is empty; an empty key would let requests that carry no key at all through"
        }
        if value.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F || (0x80...0x9F).contains($0.value) }) {
            return "the secret '\(name)' holds a line break or another control character; secrets are one line of "
                + "printable characters, so that no output can show them in a form the mask misses"
        }
        if value.count < minimumLength {
            return "the secret '\(name)' has \(value.count) character\(value.count == 1 ? "" : "s"), fewer than the "
                + "\(minimumLength) it needs to be masked safely in output"
        }
        return nil
    }
}

/// "did you mean 'mode'?" when a close name exists, else the list of known names.
package func suggestion(for word: String, among known: Set<String>, what: String) -> String {
    // Ties go to the first name in order, so the same typo always gets the same answer.
    let closest = known.min { (editDistance(word, $0), $0) < (editDistance(word, $1), $1) }
    if let closest, editDistance(word, closest) <= 2 {
        return "did you mean '\(closest)'?"
    }
    return "\(what) \(known.sorted().joined(separator: ", "))"
}

package func editDistance(_ a: String, _ b: String) -> Int {
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
