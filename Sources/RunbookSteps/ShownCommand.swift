import RunbookModel
import RunbookHost

/// The command a reader would type, shown in the body of link, absent and package steps.
///
/// `runbook check` parses it and compares it with the step's attributes, so the article
/// cannot say one thing while the step does another.
package enum ShownCommand {
    /// Words of a one-line shell command, with simple quotes removed and a leading `sudo` dropped.
    /// Words are split on the UTF-8 bytes: the separators are ASCII, so a multi-byte character is never split.
    package static func words(_ body: String) -> [String]? {
        let lines = body.lines(omittingEmpty: true).map { $0.trimmingBlanks() }.filter { !$0.isEmpty && !$0.hasPrefix("#") }
        guard lines.count == 1 else { return nil }
        var words = lines[0].utf8.split(separator: UInt8(ascii: " ")).map { word -> String in
            if word.count >= 2, let first = word.first, first == UInt8(ascii: "'") || first == UInt8(ascii: "\""), word.last == first {
                return String(decoding: word.dropFirst().dropLast(), as: UTF8.self)
            }
            return String(decoding: word, as: UTF8.self)
        }
        if words.first == "sudo" { words.removeFirst() }
        return words
    }

    package static func mismatch(_ block: StepBlock, expected: String) -> Diagnostic {
        Diagnostic("the shown command does not match the step's attributes", at: block.bodyLocation,
                   hint: "the body should read: \(expected)")
    }
}
