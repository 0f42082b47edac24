import Foundation
import RunbookKit
import XCTest
import RunbookRender
import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookMarkdown
import RunbookHost
#if canImport(FoundationXML)
import FoundationXML
#endif

/// The scanner against the CommonMark reference implementation: for every Markdown file in the
/// repository (the tricky cases in `Tests/Fixtures/markdown-corpus/`, the shipped runbook, the
/// docs, and any `.md` added later), `cmark --to xml` and the scanner must find the same code
/// blocks, in the same order, with the same info string and the same body, byte for byte.
final class CmarkAgreementTests: XCTestCase {
    private static let packageRoot = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // RunbookKitTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()
        .standardizedFileURL
    private static let corpus = packageRoot.appendingPathComponent("Tests/Fixtures/markdown-corpus")

    func testTheCorpusHoldsTheTrickyCases() throws {
        let cases = try FileManager.default.contentsOfDirectory(atPath: Self.corpus.path).filter { $0.hasSuffix(".md") }
        XCTAssertGreaterThanOrEqual(cases.count, 40, "the corpus at \(Self.corpus.path) should hold at least 40 cases")
    }

    func testEveryMarkdownFileAgreesWithCmark() throws {
        guard let cmark = Self.findExecutable("cmark") else {
            XCTFail("cmark is not installed: run `apt-get install -y cmark` (or the README's test command)")
            return
        }
        let files = try Self.markdownFiles()
        var compared = 0
        for file in files {
            let root = Self.packageRoot.path + "/"
            let name = file.path.hasPrefix(root) ? String(file.path.dropFirst(root.count)) : file.path
            let data = try Data(contentsOf: file)
            // A runbook refuses a file that is not UTF-8 before scanning it (some fixtures test
            // that), and cmark's XML of such bytes is not XML: there is nothing to compare.
            guard String(data: data, encoding: .utf8) != nil else { continue }
            let scanned = MarkdownScanner.scan(String(decoding: data, as: UTF8.self)).codeBlocks
            let reference: [CmarkCodeBlock]
            do {
                reference = try Self.cmarkCodeBlocks(of: file, cmark: cmark)
            } catch {
                XCTFail("\(name): \(error)")
                continue
            }
            compared += 1
            for index in 0..<max(scanned.count, reference.count) {
                let ours = index < scanned.count
                    ? CmarkCodeBlock(info: Self.asXMLAttribute(scanned[index].info), body: Self.asXMLText(scanned[index].body))
                    : nil
                let theirs = index < reference.count ? reference[index] : nil
                if ours != theirs {
                    XCTFail("""
                        \(name): code block at index \(index) differs
                          scanner: \(ours.map(\.description) ?? "no such block")
                          cmark:   \(theirs.map(\.description) ?? "no such block")
                        """)
                    break
                }
            }
        }
        XCTAssertGreaterThanOrEqual(compared, 40, "only \(compared) Markdown files under \(Self.packageRoot.path) were compared")
    }

    // MARK: Files

    /// The corpus and every other `*.md` in the repository, outside hidden folders (`.git`,
    /// `.build`, `.build-…`). Symbolic links are not followed: fixtures hold links that loop or
    /// point out of the repository on purpose.
    private static func markdownFiles() throws -> [URL] {
        var paths = Set(try FileManager.default.contentsOfDirectory(atPath: corpus.path)
            .filter { $0.hasSuffix(".md") }
            .map { corpus.appendingPathComponent($0).standardizedFileURL.path })
        let keys: [URLResourceKey] = [.isRegularFileKey, .isSymbolicLinkKey]
        let walker = FileManager.default.enumerator(at: packageRoot, includingPropertiesForKeys: keys,
                                                    options: [.skipsHiddenFiles])
        while let url = walker?.nextObject() as? URL {
            let values = try? url.resourceValues(forKeys: Set(keys))
            if values?.isSymbolicLink == true {
                walker?.skipDescendants()
            } else if url.pathExtension == "md", values?.isRegularFile == true {
                paths.insert(url.standardizedFileURL.path)
            }
        }
        return paths.sorted().map { URL(fileURLWithPath: $0) }
    }

    private static func findExecutable(_ name: String) -> URL? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return (path.split(separator: ":") + ["/usr/bin", "/usr/local/bin"])
            .map { URL(fileURLWithPath: String($0)).appendingPathComponent(name) }
            .first { FileManager.default.isExecutableFile(atPath: $0.path) }
    }

    /// Text as it comes back through cmark's XML: cmark writes U+FFFD for the characters XML
    /// cannot hold (controls other than tab and line endings, U+FFFE, U+FFFF).
    private static func asXMLText(_ value: String) -> String {
        var text = ""
        text.unicodeScalars.append(contentsOf: value.unicodeScalars.map { scalar in
            let isForbidden = (scalar.value < 0x20 && scalar != "\t" && scalar != "\n" && scalar != "\r")
                || scalar.value == 0xFFFE || scalar.value == 0xFFFF
            return isForbidden ? "\u{FFFD}" : scalar
        })
        return text
    }

    /// An attribute value as an XML parser returns it: tabs and line breaks become spaces.
    private static func asXMLAttribute(_ value: String) -> String {
        var text = ""
        text.unicodeScalars.append(contentsOf: asXMLText(value).unicodeScalars.map { scalar in
            scalar == "\t" || scalar == "\n" || scalar == "\r" ? " " : scalar
        })
        return text
    }

    // MARK: cmark

    private static func cmarkCodeBlocks(of file: URL, cmark: URL) throws -> [CmarkCodeBlock] {
        let process = Process()
        process.executableURL = cmark
        process.arguments = ["--to", "xml", file.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let xml = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw CmarkFailure(message: "cmark exited with status \(process.terminationStatus)")
        }
        let collector = CmarkCodeBlockCollector()
        let parser = XMLParser(data: xml)
        parser.delegate = collector
        guard parser.parse() else {
            throw CmarkFailure(message: "cmark's XML did not parse: \(parser.parserError.map(String.init(describing:)) ?? "unknown error")")
        }
        return collector.blocks
    }
}

/// A code block as cmark's XML gives it: `<code_block info="…">body</code_block>`, with no
/// `info` attribute when the info string is empty (and for indented blocks).
private struct CmarkCodeBlock: Equatable, CustomStringConvertible {
    var info: String
    var body: String

    var description: String { "info \(info.debugDescription), body \(body.debugDescription)" }
}

private struct CmarkFailure: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Collects the `code_block` elements of `cmark --to xml` output, in document order.
private final class CmarkCodeBlockCollector: NSObject, XMLParserDelegate {
    private(set) var blocks: [CmarkCodeBlock] = []
    private var current: CmarkCodeBlock?

    func parser(_ parser: XMLParser, didStartElement elementName: String, namespaceURI: String?,
                qualifiedName: String?, attributes: [String: String] = [:]) {
        if elementName == "code_block" {
            current = CmarkCodeBlock(info: attributes["info"] ?? "", body: "")
        }
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) {
        current?.body += string
    }

    func parser(_ parser: XMLParser, didEndElement elementName: String, namespaceURI: String?,
                qualifiedName: String?) {
        if elementName == "code_block", let block = current {
            blocks.append(block)
            current = nil
        }
    }
}
