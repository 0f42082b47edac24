import Foundation
import XCTest

/// `apply --json`'s stdout: one compact JSON document a line (NDJSON), the events first and the
/// `apply` document last.
public enum JSONLines {
    /// Each line parsed as a JSON object, in order; a line that is not one fails the test.
    public static func documents(_ stdout: String, file: StaticString = #filePath, line: UInt = #line) throws -> [[String: Any]] {
        XCTAssertTrue(stdout.hasSuffix("\n"), "the stream ends with a newline:\n\(stdout)", file: file, line: line)
        return try stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map { text in
            try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any], "not a JSON object: \(text)",
                          file: file, line: line)
        }
    }

    /// The last document: what the command ended with.
    public static func last(_ stdout: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String: Any] {
        try XCTUnwrap(try documents(stdout, file: file, line: line).last, "no document:\n\(stdout)", file: file, line: line)
    }
}
