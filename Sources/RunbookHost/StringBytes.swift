import FoundationEssentials
import Glibc

extension String {
    /// The text's UTF-8 bytes, copied in one go: `Data(text.utf8)` goes through the generic
    /// sequence initializer, whose first use costs a dynamic cast and a metadata lookup.
    package var utf8Data: Data {
        var text = self
        return text.withUTF8 { Data(buffer: $0) }
    }

    /// Where `target` first occurs at or after `start`, as a UTF-8 offset, matching bytes exactly:
    /// no Unicode equivalence and no grapheme boundaries, so a secret next to a combining mark is
    /// still found.
    package func utf8Offset(of target: String, from start: Int = 0) -> Int? {
        var text = self, target = target
        return text.withUTF8 { haystack in
            target.withUTF8 { needle in
                guard let first = needle.first, haystack.count >= needle.count else { return nil }
                var index = start
                while index + needle.count <= haystack.count {
                    if haystack[index] == first, memcmp(haystack.baseAddress! + index, needle.baseAddress!, needle.count) == 0 {
                        return index
                    }
                    index += 1
                }
                return nil
            }
        }
    }

    /// Every occurrence of `target` replaced, found as `utf8Offset(of:)` finds it.
    package func replacingEvery(_ target: String, with replacement: String) -> String {
        guard var found = utf8Offset(of: target) else { return self }
        let text = Array(utf8)
        var result: [UInt8] = []
        result.reserveCapacity(text.count)
        var copied = 0
        while true {
            result += text[copied..<found]
            result += replacement.utf8
            copied = found + target.utf8.count
            guard let next = utf8Offset(of: target, from: copied) else { break }
            found = next
        }
        result += text[copied...]
        return String(decoding: result, as: UTF8.self)
    }
}
