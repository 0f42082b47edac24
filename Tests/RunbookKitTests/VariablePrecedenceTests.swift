import XCTest
import RunbookKit
import RunbookRender
import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookMarkdown
import RunbookHost

/// Where a value comes from, strongest first: `--var`, a vars file, a value kept from an earlier
/// apply, a generated secret kept in the state directory, the default.
final class VariablePrecedenceTests: XCTestCase {
    let here = SourceLocation(file: "README.md", line: 10, column: 1)
    let keptFile = "/var/lib/runbook/variables"

    func declarations(_ text: String) throws -> [VariableDeclaration] {
        try VariableDeclaration.parse(block: text, start: here)
    }

    func kept(_ values: [String: String], snapshot: Int? = 3) -> KeptValues {
        KeptValues(file: keptFile, values: values.mapValues {
            KeptVariable(value: $0, secret: false, snapshot: snapshot, keptAt: "2026-01-01T00:00:00.000Z")
        })
    }

    func testGivenBeatsVarsFileBeatsKeptBeatsStoredBeatsDefault() throws {
        let declared = try declarations("""
        a    default=default-a  about="A"
        b    default=default-b  about="B"
        c    default=default-c  about="C"
        d    default=default-d  about="D"
        key  secret generated=16  about="Key"
        """)
        let given = [VariableInput(name: "b", value: "file-b", location: SourceLocation(file: "prod.vars", line: 1)),
                     VariableInput(name: "a", value: "file-a", location: SourceLocation(file: "prod.vars", line: 2)),
                     VariableInput(name: "a", value: "flag-a", location: nil)]
        let resolved = try VariableResolver(declarations: declared, given: given, storedSecrets: ["key": String(repeating: "ab", count: 16)],
                                            kept: kept(["a": "kept-a", "b": "kept-b", "c": "kept-c", "key": "kept-key-0123456789"])).resolve()
        XCTAssertEqual(resolved.values, ["a": "flag-a", "b": "file-b", "c": "kept-c", "d": "default-d", "key": "kept-key-0123456789"])
        XCTAssertEqual(resolved.sources["a"], .commandLine)
        XCTAssertEqual(resolved.sources["b"], .varsFile(SourceLocation(file: "prod.vars", line: 1)))
        XCTAssertEqual(resolved.sources["c"], .keptFromApply(snapshot: 3, keptAt: "2026-01-01T00:00:00.000Z"))
        XCTAssertEqual(resolved.sources["d"], .declarationDefault)
        XCTAssertEqual(resolved.sources["key"]?.description, "kept from apply 3", "a given secret beats a generated one")
        XCTAssertEqual(resolved.replacedKept.keys.sorted(), ["a", "b"], "the plan says which kept values a given one replaces")
        XCTAssertEqual(resolved.replacedKept["a"]?.value, "kept-a")
        XCTAssertEqual(resolved.givenNow, ["a": "flag-a", "b": "file-b"], "what an apply keeps")
    }

    func testAValueGivenAgainUnchangedReplacesNothing() throws {
        let declared = try declarations(#"port default=80 type=integer about="Port""#)
        let resolved = try VariableResolver(declarations: declared, given: [VariableInput(name: "port", value: "9090", location: nil)],
                                            storedSecrets: [:], kept: kept(["port": "9090"])).resolve()
        XCTAssertTrue(resolved.replacedKept.isEmpty)
        XCTAssertEqual(resolved.sources["port"], .commandLine)
    }

    func testAKeptValueForAVariableNoLongerDeclaredIsLeftAlone() throws {
        let resolved = try VariableResolver(declarations: try declarations(#"port default=80 about="Port""#), given: [],
                                            storedSecrets: [:], kept: kept(["gone": "x"])).resolve()
        XCTAssertEqual(resolved.values, ["port": "80"])
    }

    func testAKeptValueTheDeclarationRefusesNamesTheStateFile() throws {
        XCTAssertThrowsError(try VariableResolver(declarations: try declarations(#"port default=80 type=integer about="Port""#), given: [],
                                                  storedSecrets: [:], kept: kept(["port": "eighty"], snapshot: nil)).resolve()) { error in
            XCTAssertEqual("\(error)", "\(keptFile): error: the value of 'port' kept from the apply of 2026-01-01T00:00:00.000Z no longer fits "
                + "its declaration: 'port' must be a whole number (give a new one with --var port=VALUE, or drop it with "
                + "`runbook vars --forget port`; see its declaration at README.md:10:1)")
        }
    }

    func testARequiredVariableNeedsAGivenOrKeptValue() throws {
        let declared = try declarations(#"email required about="Contact address""#)
        XCTAssertTrue(declared[0].isRequired)
        XCTAssertThrowsError(try VariableResolver(declarations: declared, given: [], storedSecrets: [:]).resolve()) { error in
            XCTAssertEqual("\(error)", "README.md:10:1: error: variable 'email' is required and has no value (give it with --var "
                + "email=VALUE or in a --vars-file; an apply keeps it for the next)")
        }
        XCTAssertEqual(try VariableResolver(declarations: declared, given: [], storedSecrets: [:], kept: kept(["email": "ops@shop.de"]))
            .resolve().values["email"], "ops@shop.de")
        XCTAssertThrowsError(try declarations(#"email required default=x about="A""#)) { error in
            XCTAssertTrue("\(error)".contains("'email' is required, so it cannot also have default="), "\(error)")
        }
    }

    func testAnExampleIsADefaultThatALiveApplyRefuses() throws {
        let declared = try declarations(#"domain example=inference.example.com about="Name""#)
        XCTAssertTrue(declared[0].defaultIsExample)
        let resolved = try VariableResolver(declarations: declared, given: [], storedSecrets: [:]).resolve()
        XCTAssertEqual(resolved.values["domain"], "inference.example.com")
        let live = TargetPolicy(host: LiveHost())
        XCTAssertEqual(live.exampleRefusals(resolved).map(\.description), [
            "README.md:10:1: error: 'domain' is still its example inference.example.com, which a live apply refuses (give this "
                + "server's own with --var domain=VALUE or in a --vars-file; the apply keeps it for the next. To try the runbook "
                + "with the example, apply it to a directory with --root DIR)",
        ])
        XCTAssertEqual(TargetPolicy(host: RootedHost(root: "/tmp")).exampleRefusals(resolved).count, 0, "a sandbox takes the example")
        let given = try VariableResolver(declarations: declared, given: [VariableInput(name: "domain", value: "inference.example.com", location: nil)],
                                         storedSecrets: [:]).resolve()
        XCTAssertEqual(live.exampleRefusals(given).count, 0, "the example given on purpose is the operator's choice")
        XCTAssertThrowsError(try declarations(#"domain example=a.example.com default=b about="A""#)) { error in
            XCTAssertTrue("\(error)".contains("'domain' has both a default and an example"), "\(error)")
        }
    }
}
