import XCTest
import RunbookKit
import RunbookRender
import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookMarkdown
import RunbookHost

final class VariableTests: XCTestCase {
    let here = SourceLocation(file: "README.md", line: 10, column: 1)

    func declarations(_ text: String) throws -> [VariableDeclaration] {
        try VariableDeclaration.parse(block: text, start: here)
    }

    func testDeclarationsWithDefaultsPatternsAndSecrets() throws {
        let parsed = try declarations("""
        # comment
        domain default=example.com pattern="[a-z.]+" about="Name"
        secret secret generated=32 about="Key"
        tls default=selfsigned values=selfsigned,acme about="Mode"
        """)
        XCTAssertEqual(parsed.map(\.name), ["domain", "secret", "tls"])
        XCTAssertEqual(parsed[0].location.line, 11)
        XCTAssertTrue(parsed[1].isSecret)
        XCTAssertEqual(parsed[1].generatedBytes, 32)
        XCTAssertEqual(parsed[2].problem(with: "existing"), "'tls' must be one of selfsigned, acme")
        XCTAssertNil(parsed[0].problem(with: "a.b"))
        XCTAssertEqual(parsed[0].problem(with: "A B"), "'domain' must match the pattern [a-z.]+")
    }

    func testDefaultsMayUseOtherVariablesButNotInACircle() throws {
        let resolved = try VariableResolver(declarations: try declarations("""
        domain default=example.com about="Name"
        live default="/etc/live/{{domain}}" about="Path"
        """), given: [VariableInput(name: "domain", value: "a.org", location: nil)], storedSecrets: [:]).resolve()
        XCTAssertEqual(resolved.values["live"], "/etc/live/a.org")

        XCTAssertThrowsError(try VariableResolver(declarations: try declarations("""
        a default="{{b}}" about="A"
        b default="{{a}}" about="B"
        """), given: [], storedSecrets: [:]).resolve()) { error in
            XCTAssertTrue("\(error)".contains("the defaults of these variables refer to each other: a → b → a"), "\(error)")
        }
    }

    func testGeneratedSecretsAreReusedWhenStored() throws {
        let declared = try declarations(#"key secret generated=16 about="Key""#)
        let fresh = try VariableResolver(declarations: declared, given: [], storedSecrets: [:]).resolve()
        XCTAssertEqual(fresh.values["key"]?.count, 32)
        XCTAssertEqual(fresh.pendingGenerated.keys.sorted(), ["key"])
        let stored = try VariableResolver(declarations: declared, given: [], storedSecrets: ["key": "abc"]).resolve()
        XCTAssertEqual(stored.values["key"], "abc")
        XCTAssertTrue(stored.pendingGenerated.isEmpty)
        XCTAssertEqual(stored.secretValues, ["abc"])
    }

    func testVarsFileErrorsNameTheirLine() {
        XCTAssertThrowsError(try VariableInput.parseFile("a=1\n\n  oops\n", file: "prod.vars")) { error in
            XCTAssertEqual("\(error)", "prod.vars:3:3: error: expected NAME=VALUE (one variable per line, like domain=example.com)")
        }
    }

    func testPatternsArePOSIXExtendedAndMatchTheWholeValue() {
        let domain = ValuePattern(source: "[a-z0-9][a-z0-9-]*(\\.[a-z0-9][a-z0-9-]*)+")
        XCTAssertTrue(domain.matchesWhole("inference.example.com"))
        XCTAssertFalse(domain.matchesWhole("inference"))
        XCTAssertFalse(domain.matchesWhole("x.example.com "), "a match must cover the whole value")
        XCTAssertTrue(ValuePattern(source: "a|ab").matchesWhole("ab"), "leftmost-longest, not the first alternative")
        XCTAssertTrue(ValuePattern(source: "[^\"\\\\]*").matchesWhole("What is a keepalive?"))
        XCTAssertFalse(ValuePattern(source: "[^\"\\\\]*").matchesWhole("say \"hi\""))
        XCTAssertNil(domain.compileError)
        XCTAssertNotNil(ValuePattern(source: "[a-z").compileError)
        XCTAssertEqual(ValuePattern(source: "\\d+").compileError,
                       "\\d is PCRE, not POSIX, which reads it as a plain 'd'; write a bracket expression such as [0-9] for \\d, or the character itself")
        XCTAssertNotNil(ValuePattern(source: "[^\\n]+").compileError)
        XCTAssertNil(ValuePattern(source: "\\w+").compileError, "GNU's \\w is kept")
        XCTAssertNil(ValuePattern(source: "a\\\\d").compileError, "an escaped backslash, then a plain d")
        XCTAssertNil(ValuePattern(source: "[[:digit:]]{1,3}(\\.[0-9]{1,3}){3}").compileError)
        // Found by the fuzzer: the C library took over 2 GiB to compile this.
        let stacked = ValuePattern(source: "ret" + String(repeating: "+", count: 70))
        XCTAssertTrue(stacked.compileError?.contains("repetitions would expand it") == true, stacked.compileError ?? "")
        XCTAssertFalse(stacked.matchesWhole("ret"))
        XCTAssertNotNil(ValuePattern(source: "((a{100}){100}){100}").compileError)
    }

    func testRedactionMatchesBytesExactly() {
        let redactor = Redactor(secrets: ["s3cr\u{E9}t"])
        XCTAssertEqual(redactor.redact("key s3cr\u{E9}t\u{301} and s3cr\u{E9}t."), "key \(Redactor.mask)\u{301} and \(Redactor.mask).")
        XCTAssertEqual("a-b-c".replacingEvery("-", with: "_"), "a_b_c")
        XCTAssertEqual("  tabbed\t".trimmingBlanks(), "tabbed")
    }

    func testTemplateLeavesOtherBracesAlone() throws {
        let variables = ResolvedVariables(declarations: Dictionary(uniqueKeysWithValues: try declarations(#"name default=x about="N""#).map { ($0.name, $0) }),
                                          values: ["name": "demo"])
        XCTAssertEqual(try Template.render("a {{name}} {{ name }} {{.Names}} { }", with: variables, at: here),
                       "a demo demo {{.Names}} { }")
        XCTAssertThrowsError(try Template.render("ok\n  {{nmae}}", with: variables, at: here)) { error in
            XCTAssertEqual("\(error)", "README.md:11:3: error: unknown variable 'nmae' (did you mean 'name'?)")
        }
    }
}
