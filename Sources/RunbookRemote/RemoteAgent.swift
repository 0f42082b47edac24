import FoundationEssentials
import RunbookEngine
import RunbookModel
import RunbookHost

/// The controller's side of a remote command: makes sure the server has this runbook binary,
/// then runs `runbook agent` there with the request on its standard input and hands each
/// message of the answer on as it arrives.
public struct RemoteAgent {
    public let connection: SSHConnection
    /// The state directory on the server, where the binary is kept.
    public let stateDirectory: String

    /// What the first round trip found, for the controller to tell the operator.
    public enum Shipping: Sendable, Equatable {
        case alreadyThere(path: String)
        case sent(path: String, bytes: Int)
    }

    public init(connection: SSHConnection, stateDirectory: String) {
        self.connection = connection
        self.stateDirectory = stateDirectory
    }

    /// This very binary, read and hashed once for all the hosts of a command.
    public struct OwnBinary: Sendable {
        public let bytes: Data
        public let sha256: String

        public static func read() throws -> OwnBinary {
            let bytes = try OwnExecutable.contents()
            return OwnBinary(bytes: bytes, sha256: SHA256.hex(bytes))
        }
    }

    /// Probes the server and sends the binary when it lacks it. Refuses a server of another architecture.
    public func ship(_ own: OwnBinary) throws -> (shipping: Shipping, binary: String) {
        let binary = own.bytes
        let shipment = BinaryShipment(stateDirectory: stateDirectory, sha256: own.sha256, size: own.bytes.count)
        let probed = try connection.run(shipment.probeScript, input: nil)
        guard probed.status == 0, let probe = BinaryShipment.probe(from: String(decoding: probed.standardOutput, as: UTF8.self)) else {
            throw failure("did not answer the first probe (`uname -m`, `test -x`)", probed, hint: Self.toolsHint)
        }
        let own = OwnExecutable.architecture
        guard probe.architecture == own else {
            throw Diagnostic("\(connection.target) is \(probe.architecture), and this runbook is built for \(own)", origin: "--host \(connection.target)",
                             hint: "run the command from a machine of the server's architecture, or build runbook for \(probe.architecture)")
        }
        if probe.present { return (.alreadyThere(path: shipment.remotePath), shipment.remotePath) }
        let sent = try connection.run(shipment.uploadScript, input: binary)
        guard sent.status == 0 else { throw failure("could not store the runbook binary in \(shipment.directory)", sent, hint: Self.toolsHint) }
        return (.sent(path: shipment.remotePath, bytes: binary.count), shipment.remotePath)
    }

    /// The connection ended after the agent had answered, before its last line: the host may be
    /// halfway through a command, which goes on there detached (docs/REMOTE.md).
    public struct ConnectionLost: Error {
        public var diagnostic: Diagnostic
    }

    /// Runs the agent and gives `receive` every message after the hello, with the line it came
    /// on; `log` gets what the agent and ssh say for people (stderr), line by line. Returns the
    /// agent's exit code.
    public func run(_ request: AgentRequest, archive: RunbookArchive, binary: String, receive: @escaping (AgentMessage, Data) throws -> Void,
                    log: @escaping (String) -> Void) throws -> Int32 {
        var pending = [Data(), Data()]
        var greeted = false
        var exitCode: Int32?
        var detachedRun: String?
        var problem: (any Error)?
        func take(_ line: Data, fromStandardError: Bool) {
            guard problem == nil else { return }
            if fromStandardError {
                log(String(decoding: line, as: UTF8.self))
                return
            }
            do {
                let message = try AgentMessage.from(line: line)
                if !greeted {
                    guard message.kind == "hello", let theirs = message.protocolVersion else {
                        throw Diagnostic("the runbook on \(connection.target) did not greet with a protocol version", origin: "--host \(connection.target)")
                    }
                    if let refusal = AgentProtocol.refusal(of: theirs, from: "\(connection.target)", we: "this machine") {
                        throw Diagnostic(refusal, origin: "--host \(connection.target)")
                    }
                    greeted = true
                    return
                }
                if message.kind == "exit" { exitCode = message.exitCode }
                if message.kind == "detached" { detachedRun = message.run }
                try receive(message, line)
            } catch {
                problem = error
            }
        }
        let output: ProcessLauncher.Output
        do {
            output = try connection.run("exec \(ShellWord.quoted(binary)) agent", input: try request.framed(with: archive)) { fromStandardError, chunk in
            let index = fromStandardError ? 1 : 0
            pending[index].append(chunk)
            while let newline = pending[index].firstIndex(of: UInt8(ascii: "\n")) {
                let line = pending[index][pending[index].startIndex..<newline]
                pending[index] = Data(pending[index][pending[index].index(after: newline)...])
                take(Data(line), fromStandardError: fromStandardError)
            }
            }
        } catch let unreachable as SSHConnection.Unreachable where greeted {
            throw ConnectionLost(diagnostic: unreachable.diagnostic)
        } catch let unreachable as SSHConnection.Unreachable where unreachable.said.isEmpty {
            // The probe reached the host a moment ago, and ssh says nothing of its own: the
            // agent was killed before it answered (ssh exits 255 then too).
            throw Diagnostic("the runbook on \(connection.target) ended before it answered: it was killed, or its binary \(binary) is damaged",
                             origin: "--host \(connection.target)", hint: "remove that file on the host; the next run sends it again")
        }
        for (index, rest) in pending.enumerated() where !rest.isEmpty { take(rest, fromStandardError: index == 1) }
        if let problem { throw problem }
        if exitCode != nil, let run = detachedRun, let removal = AgentRuns(stateDirectory: stateDirectory).removal(of: run) {
            // Read to the end: the next agent has nothing to report of it. Best effort; a run left
            // behind is reported once more, never lost.
            _ = try? connection.run(removal, input: nil)
        }
        guard let exitCode else {
            throw ConnectionLost(diagnostic: failure("ended its answer before its exit line", output,
                                                     hint: "the agent was killed or its connection cut; a command that changes the host goes on there, and the next command reports how it ended"))
        }
        return exitCode
    }

    private static let toolsHint = "the server needs a POSIX shell with uname, mktemp, sha256sum and sync (coreutils)"

    private func failure(_ what: String, _ output: ProcessLauncher.Output, hint: String) -> Diagnostic {
        let said = SSHConnection.lastWords(output.standardError)
        return Diagnostic("\(connection.target) \(what) (exit \(output.status)\(said.isEmpty ? "" : ": \(said)"))", origin: "--host \(connection.target)",
                          hint: hint)
    }
}
