import RunbookModel
import RunbookHost

/// `handler=NAME`: a script that runs once at the end of a chapter in which a step that
/// notified it changed something.
///
/// ````
/// ```sh handler=restart-ollama
/// systemctl daemon-reload
/// systemctl restart ollama
/// ```
/// ````
public struct HandlerStep: Sendable {
    package static let definition = StepDefinition(
        StepDescription(kind: .handler, marker: "handler", markerValue: "NAME", attributes: ["timeout"],
                        purpose: "a script run once at the end of a chapter in which a step that notified it changed something")
    ) { .handler(try HandlerStep($0)) }

    public let info: StepInfo
    public let name: String
    public let script: ShellCommand

    package init(_ source: StepSource) throws {
        name = try source.string("handler")!
        guard VariableDeclaration.isValidName(name.replacingEvery("-", with: "_")) else {
            throw Diagnostic("'\(name)' is not a valid handler name", at: source.location("handler"),
                             hint: "use letters, digits, - and _")
        }
        info = source.info("handler \(name)")
        let body = try source.body()
        guard body.contains(where: { !$0.isWhitespace }) else {
            throw Diagnostic("the handler's script is empty", at: source.block.location, hint: "write the commands in the block")
        }
        script = ShellCommand(script: body, shell: source.shell, exitOnError: true, timeout: try source.timeout())
    }
}
