import RunbookModel
import RunbookHost

/// One line of an inventory split into words, as both formats write them: separated by blanks,
/// a value in double or single quotes may hold blanks (`motd="up and running"`), and a `#` (or,
/// in Ansible's INI, a `;`) that starts a word begins a comment.
struct InventoryLine {
    struct Word {
        var text: String
        var column: Int
    }

    var number: Int
    var words: [Word]

    /// Why a line cannot be split: an unclosed quote. Its value is never repeated.
    struct Unclosed: Error {
        var column: Int
    }

    init(_ line: Substring, number: Int, commentStarts: Set<Character>) throws(Unclosed) {
        self.number = number
        words = []
        var current = ""
        var start: Int?
        var quote: Character?
        var column = 0
        for character in line {
            column += 1
            if let open = quote {
                if character == open { quote = nil } else { current.append(character) }
                continue
            }
            if character == " " || character == "\t" || character == "\r" {
                if let begun = start { words.append(Word(text: current, column: begun)) }
                (current, start) = ("", nil)
                continue
            }
            if start == nil {
                if commentStarts.contains(character) { break }
                start = column
            }
            if character == "\"" || character == "'" { quote = character } else { current.append(character) }
        }
        if quote != nil { throw Unclosed(column: start ?? column) }
        if let begun = start { words.append(Word(text: current, column: begun)) }
    }

    /// The `NAME=VALUE` words after the host, with where each is; any other word is a problem,
    /// recorded without its value.
    func settings(file: String, hint: String, problems: inout DiagnosticCollector)
        -> [(name: String, value: String, location: SourceLocation)] {
        words.dropFirst().compactMap { word in
            let location = SourceLocation(file: file, line: number, column: word.column)
            guard let (name, value) = Self.assignment(word) else {
                // The word may be a value that lost its name, a secret: it is not repeated.
                problems.record(Diagnostic("expected NAME=VALUE after the host, and this word has no '='", at: location, hint: hint))
                return nil
            }
            return (name, value, location)
        }
    }

    /// `NAME=VALUE`, split at the first `=`; nil for a word without one, or with nothing before it.
    static func assignment(_ word: Word) -> (name: String, value: String)? {
        guard let equals = word.text.firstIndex(of: "="), equals != word.text.startIndex else { return nil }
        return (String(word.text[..<equals]), String(word.text[word.text.index(after: equals)...]))
    }
}
