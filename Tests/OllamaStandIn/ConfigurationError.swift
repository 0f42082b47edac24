/// A value in the environment that the stand-in cannot use; it names the variable and the value.
enum ConfigurationError: Error, CustomStringConvertible {
    case badListenAddress(String, reason: String)
    case notACount(variable: String, value: String)
    case cannotBind(String, reason: String)
    case cannotOpenRequestLog(String, reason: String)

    var description: String {
        switch self {
        case .badListenAddress(let value, let reason): "OLLAMA_HOST=\(value): \(reason)"
        case .notACount(let variable, let value): "\(variable)=\(value): expected a whole number from 0 to 100000"
        case .cannotBind(let address, let reason): "cannot listen on \(address): \(reason)"
        case .cannotOpenRequestLog(let path, let reason): "STANDIN_REQUEST_LOG=\(path): \(reason)"
        }
    }
}
