import RunbookMarkdown
import RunbookHost

/// A reader following a chapter by hand on GitHub sees a configuration block with only its
/// language word: where it goes must be said in the prose just above it. For every step whose
/// kind names a place (`file=`, `link=`), the full path, as written in the info string, must
/// appear in the last paragraph before the block (under the same heading) or in the heading.
///
/// ````markdown
/// The format goes in `/etc/nginx/conf.d/json-log-format.conf`, which nginx reads inside `http { }`.
///
/// ```nginx file=/etc/nginx/conf.d/json-log-format.conf
/// ````
public enum PlacesNamedInProse {
    public static func problems(in steps: [StepBlock], vocabulary: StepVocabulary) -> [Diagnostic] {
        steps.compactMap { step in
            guard let description = vocabulary.description(of: step.kind), description.placeNamedInProse,
                  let word = step.word(description.marker), let path = word.value, !path.isEmpty else { return nil }
            let nearest = [step.prose.last, step.heading].compactMap { $0 }
            guard !nearest.contains(where: { names(path, $0) }) else { return nil }
            return Diagnostic("the prose just above this block does not name \(path), so a reader following the chapter by hand is not told where it goes",
                              at: step.location,
                              hint: "name \(path) in the paragraph before the block or in its heading")
        }
    }

    /// Whether `text` holds `path` as a path of its own: `/etc/nginx/sites-available/inference`
    /// is not named by `/etc/nginx/sites-available/inference-http`.
    package static func names(_ path: String, _ text: String) -> Bool {
        let text = Array(text.utf8), path = Array(path.utf8)
        guard path.count <= text.count else { return false }
        for start in 0...(text.count - path.count) where text[start..<start + path.count].elementsEqual(path) {
            let end = start + path.count
            let before = start == 0 ? nil : text[start - 1]
            let after = end == text.count ? nil : text[end]
            let continues = after.map { isPathByte($0) || ($0 == UInt8(ascii: ".") && end + 1 < text.count && isPathByte(text[end + 1])) } ?? false
            if !(before.map { isPathByte($0) || $0 == UInt8(ascii: ".") } ?? false) && !continues { return true }
        }
        return false
    }

    private static func isPathByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "/"), UInt8(ascii: "{"), UInt8(ascii: "}"):
            true
        default:
            byte >= 0x80
        }
    }
}
