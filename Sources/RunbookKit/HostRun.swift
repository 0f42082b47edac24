import FoundationEssentials
import RunbookRemote
import RunbookRender
import RunbookEngine
import RunbookModel
import RunbookHost

/// One host's part of a remote command: a connection of its own, this runbook binary sent when
/// the host lacks it, the agent run with the request, and each message of its answer handed on
/// as it arrives.
package struct HostRun: Sendable {
    package let host: FleetHost
    package let become: Bool
    /// The server's state directory, where the binary is kept.
    package let stateDirectory: String
    package let binary: RemoteAgent.OwnBinary

    /// How the host's part ended.
    package enum Ending: Sendable {
        /// The agent answered to the end: its exit code.
        case answered(Int32)
        /// ssh did not get there; nothing ran.
        case unreachable(Diagnostic)
        /// The connection dropped after the agent had begun.
        case lost(Diagnostic)
        /// It could not begin: sudo wants a password, another architecture, the binary could not be stored.
        case refused(Diagnostic)
    }

    /// `RUNBOOK_SSH_CONFIG=FILE` gives ssh `-F FILE` in place of ~/.ssh/config (the tests' key and known_hosts).
    static var configFile: String? { ProcessInfo.processInfo.environment["RUNBOOK_SSH_CONFIG"] }

    /// `RUNBOOK_SSH_CONTROL_DIR=DIR`: keep the master connections there for the next command.
    static var keptControlDirectory: String? { ProcessInfo.processInfo.environment["RUNBOOK_SSH_CONTROL_DIR"].flatMap { $0.isEmpty ? nil : $0 } }

    package func carryOut(_ request: AgentRequest, archive: RunbookArchive, note: @escaping (String) -> Void,
                          receive: @escaping (AgentMessage, Data) throws -> Void, log: @escaping (String) -> Void) -> Ending {
        let connection: SSHConnection
        do {
            connection = try SSHConnection(target: host.target, configFile: Self.configFile, become: become || host.become,
                                           keptControlDirectory: Self.keptControlDirectory)
        } catch {
            return .refused(Self.diagnostic(error))
        }
        defer { connection.close() }
        let agent = RemoteAgent(connection: connection, stateDirectory: stateDirectory)
        do {
            let (shipping, binary) = try agent.ship(binary)
            switch shipping {
            case .alreadyThere(let path) where archive == .empty:
                note("\(host.name) has this runbook already (\(path)).")
            case .alreadyThere(let path):
                note("\(host.name) has this runbook already (\(path)); sending the runbook folder (\(archive.bytes.count) bytes).")
            case .sent(let path, let bytes):
                note("Sent this runbook to \(host.name) (\(bytes) bytes), kept as \(path) for the next run.")
            }
            return .answered(try agent.run(request, archive: archive, binary: binary, receive: receive, log: log))
        } catch let unreachable as SSHConnection.Unreachable {
            return .unreachable(unreachable.diagnostic)
        } catch let lost as RemoteAgent.ConnectionLost {
            return .lost(lost.diagnostic)
        } catch {
            return .refused(Self.diagnostic(error))
        }
    }

    private static func diagnostic(_ error: any Error) -> Diagnostic {
        switch error {
        case let diagnostic as Diagnostic: diagnostic
        case let diagnostics as Diagnostics: diagnostics.items.first ?? Diagnostic("\(error)", origin: "runbook")
        default: Diagnostic("\(error)", origin: "runbook")
        }
    }
}
