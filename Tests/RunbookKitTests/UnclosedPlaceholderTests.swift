import XCTest
import RunbookKit
import RunbookRender
import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookMarkdown
import RunbookHost

/// `{{name` without its `}}` is an error; braces around anything else stay literal.
final class UnclosedPlaceholderTests: XCTestCase {
    func unclosed(_ text: String) -> [String] {
        Template.unclosedPlaceholderProblems(in: text, at: SourceLocation(file: "f", line: 1), sameLine: false).map(\.description)
    }

    func testANameWithoutItsClosingBracesIsAnError() {
        XCTAssertEqual(unclosed("server_name {{domain;\n"), ["f:1:13: error: '{{domain' is never closed (write {{domain}})"])
        XCTAssertEqual(unclosed("{{ domain"), ["f:1:1: error: '{{ domain' is never closed (write {{domain}})"])
        XCTAssertEqual(unclosed("a\n{{domain}\n"), ["f:2:1: error: '{{domain' is never closed (write {{domain}})"])
        XCTAssertEqual(unclosed("{{domain}.conf"), ["f:1:1: error: '{{domain' is never closed (write {{domain}})"])
        XCTAssertEqual(unclosed("https://{{domain}:{{port}}/"), ["f:1:9: error: '{{domain' is never closed (write {{domain}})"])
        XCTAssertEqual(unclosed("{{domain\n}}"), ["f:1:1: error: '{{domain' is never closed (write {{domain}})"], "a placeholder is on one line")
        XCTAssertEqual(unclosed("{{ a } }"), ["f:1:1: error: '{{ a' is never closed (write {{a}})"])
        XCTAssertEqual(unclosed("{{_x"), ["f:1:1: error: '{{_x' is never closed (write {{_x}})"])
        XCTAssertEqual(unclosed("café {{domain"), ["f:1:6: error: '{{domain' is never closed (write {{domain}})"], "columns count characters")
        XCTAssertEqual(unclosed("{{a {{b"), ["f:1:1: error: '{{a' is never closed (write {{a}})", "f:1:5: error: '{{b' is never closed (write {{b}})"])
    }

    func testBracesAroundAnythingElseStayLiteral() {
        for text in ["{{domain}}", "{{ domain }}", "{{\tdomain\t}}", "{{.Names}}", "{{ }}", "{{}}", "{{", "{", "}}",
                     "{\"a\":{\"b\":1}}", "server {\n    location / {\n    }\n}\n", "{{json .Config}}", "{{if .X}}y{{end}}",
                     "{{ item | upper }}", "{{ item.name }}", "{{a}, {b}}", "{{{domain}}}", "{{9lives", "{{-x", "{{ -domain",
                     "${{ secrets.TOKEN }}", "{{domain-name}}", "int a[2][2] = {{1, 2}, {3, 4}};"] {
            XCTAssertEqual(unclosed(text), [], text)
        }
    }

    func testAnAttributeValueCountsColumnsFromItsStart() {
        let problems = Template.unclosedPlaceholderProblems(in: "{{domain:443:127.0.0.1", at: SourceLocation(file: "f", line: 4, column: 23),
                                                            sameLine: true)
        XCTAssertEqual(problems.map(\.description), ["f:4:23: error: '{{domain' is never closed (write {{domain}})"])
    }
}
