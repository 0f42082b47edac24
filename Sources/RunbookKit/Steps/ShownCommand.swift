/// The command a reader would type, shown in the body of link, absent and package steps.
///
/// `runbook check` parses it and compares it with the step's attributes, so the article
/// cannot say one thing while the step does another.
enum ShownCommand {
    /// Words of a one-line shell command, with simple quotes removed and a leading `sudo` dropped.
    static func words(_ body: String) -> [String]? {
        let lines = body.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
        guard lines.count == 1 else { return nil }
        var words = lines[0].split(separator: " ").map { word -> String in
            var word = String(word)
            if word.count >= 2, let first = word.first, first == "'" || first == "\"", word.last == first {
                word = String(word.dropFirst().dropLast())
            }
            return word
        }
        if words.first == "sudo" { words.removeFirst() }
        return words
    }

    static func mismatch(_ block: StepBlock, expected: String) -> Diagnostic {
        Diagnostic("the shown command does not match the step's attributes", at: block.bodyLocation,
                   hint: "the body should read: \(expected)")
    }
}
