import FoundationEssentials

extension String {
    /// The text's UTF-8 bytes, copied in one go: `Data(text.utf8)` goes through the generic
    /// sequence initializer, whose first use costs a dynamic cast and a metadata lookup.
    var utf8Data: Data {
        var text = self
        return text.withUTF8 { Data(buffer: $0) }
    }

    /// Every occurrence of `target` replaced, matching UTF-8 bytes exactly: no Unicode
    /// equivalence and no grapheme boundaries, so a secret next to a combining mark is still found.
    func replacingEvery(_ target: String, with replacement: String) -> String {
        let text = Array(utf8), needle = Array(target.utf8)
        guard let first = needle.first else { return self }
        var result: [UInt8] = []
        var copied = 0, index = 0
        while index + needle.count <= text.count {
            if text[index] == first, text[index..<index + needle.count].elementsEqual(needle) {
                result += text[copied..<index]
                result += replacement.utf8
                index += needle.count
                copied = index
            } else {
                index += 1
            }
        }
        guard copied > 0 else { return self }
        result += text[copied...]
        return String(decoding: result, as: UTF8.self)
    }
}
