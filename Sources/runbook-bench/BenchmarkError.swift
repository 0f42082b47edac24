/// Why the benchmark could not run at all. A measured command that exits with an unexpected status
/// is not an error here: it is recorded in the results and makes the benchmark exit 1 at the end.
enum BenchmarkError: Error, CustomStringConvertible {
    case usage(String)
    case spawnFailed(String, String)
    case waitFailed(String, String)
    case setup(String)

    var description: String {
        switch self {
        case .usage(let message): "\(message)\nTry `runbook-bench --help`."
        case .spawnFailed(let command, let reason): "cannot start \(command): \(reason)"
        case .waitFailed(let command, let reason): "cannot wait for \(command): \(reason)"
        case .setup(let message): message
        }
    }
}
