import RunbookModel
import RunbookHost

/// Why a `run` step's script would run, as data: what "runs: the guard unless `…` exited 1" says.
public enum GuardVerdict: Sendable, Equatable, Codable, CustomStringConvertible {
    /// `always`.
    case always
    /// `creates=PATH`, and the path does not exist.
    case missing(path: String)
    /// `unless=` or `onlyif=` ran and exited with this status.
    case exited(guard: String, command: String, status: Int32)
    /// The target runs no commands, so the guard could not be asked.
    case notEvaluated(guard: String, command: String)
    /// The guard's command is not installed yet; an earlier step installs it.
    case notYetInstalled(guard: String, command: String)

    public var description: String {
        switch self {
        case .always: "every time (always)"
        case .missing(let path): "\(path) does not exist"
        case .exited(let name, let command, let status): "the guard \(name) `\(command)` exited \(status)"
        case .notEvaluated(let name, let command): "the guard \(name) `\(command)` is not evaluated"
        case .notYetInstalled(let name, let command): "the guard \(name) `\(command)` cannot be evaluated yet"
        }
    }
}
