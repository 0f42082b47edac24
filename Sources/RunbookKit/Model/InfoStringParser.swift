/// Splits an info string into words, honouring quotes.
///
/// `ini file=/etc/x mode=0644 unless="ss -ltn | grep -q ':11434 '"` gives the words `ini`,
/// `file=/etc/x`, `mode=0644` and `unless=ss -ltn | grep -q ':11434 '`. Inside double quotes `\"`
/// and `\\` are escapes; single quotes are literal up to the next `'`.
public enum InfoStringParser {
    public static func words(in text: String, at start: SourceLocation) throws -> [InfoWord] {
        let characters = Array(text.unicodeScalars)
        var words: [InfoWord] = []
        var index = 0
        func location(_ offset: Int) -> SourceLocation { start.movedTo(column: start.column + offset) }

        while index < characters.count {
            if characters[index] == " " || characters[index] == "\t" {
                index += 1
                continue
            }
            let wordStart = index
            var key = ""
            while index < characters.count, characters[index] != "=", characters[index] != " ", characters[index] != "\t" {
                if characters[index] == "\"" || characters[index] == "'" {
                    throw Diagnostic("unexpected quote in '\(key)\(characters[index])'", at: location(index),
                                     hint: "quotes go around a value: key=\"a value\"")
                }
                key.unicodeScalars.append(characters[index])
                index += 1
            }
            guard index < characters.count, characters[index] == "=" else {
                words.append(InfoWord(key: key, value: nil, location: location(wordStart)))
                continue
            }
            if key.isEmpty {
                throw Diagnostic("an attribute has no name before '='", at: location(wordStart), hint: "write key=value")
            }
            index += 1
            var value = ""
            var valueStart = index
            if index < characters.count, characters[index] == "\"" || characters[index] == "'" {
                valueStart = index + 1
                let quote = characters[index]
                let quoteStart = index
                index += 1
                var closed = false
                while index < characters.count {
                    let character = characters[index]
                    if character == quote {
                        closed = true
                        index += 1
                        break
                    }
                    if quote == "\"", character == "\\", index + 1 < characters.count,
                       characters[index + 1] == "\"" || characters[index + 1] == "\\" {
                        value.unicodeScalars.append(characters[index + 1])
                        index += 2
                        continue
                    }
                    value.unicodeScalars.append(character)
                    index += 1
                }
                if !closed {
                    throw Diagnostic("the quoted value of '\(key)' is never closed", at: location(quoteStart),
                                     hint: "end it with \(quote)")
                }
                if index < characters.count, characters[index] != " ", characters[index] != "\t" {
                    throw Diagnostic("unexpected text after the quoted value of '\(key)'", at: location(index),
                                     hint: "put a space between attributes")
                }
            } else {
                while index < characters.count, characters[index] != " ", characters[index] != "\t" {
                    if characters[index] == "\"" || characters[index] == "'" {
                        throw Diagnostic("a quote inside the value of '\(key)'", at: location(index),
                                         hint: "quote the whole value: \(key)=\"...\"")
                    }
                    value.unicodeScalars.append(characters[index])
                    index += 1
                }
            }
            words.append(InfoWord(key: key, value: value, location: location(wordStart), valueLocation: location(valueStart)))
        }
        return words
    }
}
