import FoundationEssentials
import Glibc
import RunbookModel
import RunbookHost

/// `check`: a read-only shell assertion that must exit 0, tried `retries` more times with
/// `delay` seconds between tries.
///
/// ````
/// ```sh check retries=10 delay=1
/// ss -ltn | grep -q '127.0.0.1:11434 '
/// ```
/// ````
public struct CheckStep: VerifyingStep {
    package static let definition = StepDefinition(
        StepDescription(kind: StepKind("check"), marker: "check", markerValue: nil, attributes: ["retries", "delay", "timeout"],
                        purpose: "a read-only shell assertion, run after the chapter's changes and handlers")
    ) { .check(try CheckStep($0)) }

    public let info: StepInfo
    public let script: ShellCommand
    public var wholeScript: String { script.script }
    public let retries: Int
    public let delay: Double

    package init(_ source: StepSource) throws {
        let body = try source.body()
        guard body.contains(where: { !$0.isWhitespace }) else {
            throw Diagnostic("the check's script is empty", at: source.block.location, hint: "write the command that must succeed")
        }
        script = ShellCommand(script: body, shell: source.shell, exitOnError: true, timeout: try source.timeout())
        retries = try source.integer("retries", default: 0, range: 0...100)
        delay = try source.seconds("delay", default: 1)
        info = source.info("check \(body.lines(omittingEmpty: true).first ?? "")")
    }

    public func verify(on host: any HostFacts) throws -> String? {
        let result = try host.run(script)
        return result.succeeded ? nil : "the check exited \(result.status)\(result.output.isEmpty ? "" : ":\n\(result.output)")"
    }
}
