import Foundation
import RunbookTestSupport
import XCTest

/// On a terminal, a step that runs longer than about a second shows a live line (its id, what it
/// does, the seconds so far, and for a check the attempt), which the step's final line replaces.
/// Driven through a pseudo-terminal, as a person at a keyboard runs it.
final class LiveProgressTests: XCTestCase {
    func testALongStepShowsALiveLineThatItsFinalLineReplaces() throws {
        try RequiredTools.require(["script"])
        let sandbox = try LiveSandbox(self)
        try write("""
            # Slow work

            ```text vars
            base   about="A temporary folder that stands in for /"
            token  secret generated=24  about="A key the check names"
            ```

            ```sh run creates={{base}}/slow
            sleep 2
            touch {{base}}/slow
            ```

            ```sh check retries=3 delay=1
            echo "{{token}}" >> {{base}}/tries && test $(wc -l < {{base}}/tries) -gt 2
            ```

            """, to: sandbox.runbook.appendingPathComponent("01-slow.md"))
        let session = try TerminalSession(command: ["env", "NO_COLOR=1", RunbookBinary.path, "apply", "--runbook", sandbox.runbook.path,
                                                    "--state-dir", sandbox.state.path, "--var", "base=\(sandbox.base.path)"])
        XCTAssertEqual(session.wait(timeout: 120), 0, session.transcript)
        let transcript = session.transcript
        let stored = try JSONSerialization.jsonObject(with: Data(contentsOf: sandbox.state.appendingPathComponent("secrets"))) as? [String: String]
        XCTAssertFalse(transcript.contains(try XCTUnwrap(stored?["token"])), "the live line showed the secret:\n\(transcript)")

        // Drawn, redrawn as the seconds pass, wiped with spaces, then the final line in its place.
        let slow = #"\r  → 01-slow/1  run sleep 2  1 s(\r  → 01-slow/1  run sleep 2  \d s)*\r +\r  > 01-slow/1  run sleep 2 \(\d\.\d s\)\r?\n"#
        XCTAssertNotNil(transcript.range(of: slow, options: .regularExpression), "no live line for the 2 s script:\n\(transcript.debugDescription)")
        // Attempt 2 fails at once after its second of delay, so for the next second the line shows the third.
        let retrying = #"\r  → 01-slow/2  check echo "\*{8}" >> .* \d s, attempt 3 of 4"#
        XCTAssertNotNil(transcript.range(of: retrying, options: .regularExpression), "no attempt in the live line:\n\(transcript.debugDescription)")
        XCTAssertTrue(transcript.contains("✓ 01-slow/2  check echo \"********\""), transcript)
        XCTAssertFalse(transcript.contains(": started"), "a terminal gets the live line, not the start lines of a log:\n\(transcript)")
        XCTAssertTrue(transcript.contains("the slowest steps:"), transcript)
    }
}
