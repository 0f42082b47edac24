/// How a measured child process ended, decoded from the status `wait4` fills in.
///
/// Glibc's `WIFEXITED` family are macros Swift cannot import, so the status is decoded here: the low
/// seven bits hold the signal that killed the process (0 when it exited), the next byte its exit code.
enum ProcessTermination: Equatable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)

    init(waitStatus: Int32) {
        let signal = waitStatus & 0x7f
        self = signal == 0 ? .exited((waitStatus >> 8) & 0xff) : .signaled(signal)
    }

    var description: String {
        switch self {
        case .exited(let code): "exit \(code)"
        case .signaled(let signal): "killed by signal \(signal)"
        }
    }
}
