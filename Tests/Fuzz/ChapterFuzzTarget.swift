import Foundation

/// The Markdown scanner and everything the loader does with a chapter (step classification, info
/// strings, vars blocks, hidden-step detection) must never crash, whatever the bytes.
func fuzzChapter(_ input: UnsafeBufferPointer<UInt8>) {
    let data = Data(buffer: input)
    _ = try? RunbookLoader(displayDirectory: "fuzz").parseChapter(data: data, name: "01-fuzz.md", file: "fuzz/01-fuzz.md")
    if let text = String(data: data, encoding: .utf8) {
        _ = MarkdownScanner.scan(text)
    }
}
