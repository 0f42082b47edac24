import RunbookKit
import XCTest
import RunbookRender
import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookMarkdown
import RunbookHost

/// Reserved example names (RFC 2606, RFC 6761) are found as a whole value, after an `@` and in a URL,
/// and nothing else is taken for one.
final class ExampleNamesTests: XCTestCase {
    func testReservedNamesAreFoundWhereverTheyAppear() {
        for value in ["inference.example.com", "example.org", "ops@example.com", "https://acme.example.net/directory",
                      "INFERENCE.EXAMPLE.COM.", "api.shop.test", "host.invalid", "box.example"] {
            XCTAssertTrue(ExampleNames.appear(in: value), value)
        }
    }

    func testOtherValuesAreNotExamples() {
        for value in ["api.shop.de", "https://acme-v02.api.letsencrypt.org/directory", "example", "myexample.com", "example.com.au",
                      "llama3.2:3b", "", "10r/s", "test", "latest.testing.org"] {
            XCTAssertFalse(ExampleNames.appear(in: value), value)
        }
    }
}
