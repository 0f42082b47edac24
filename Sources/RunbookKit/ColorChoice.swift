import Glibc

/// `--color=auto|always|never`. Auto colours a stream only when it is a terminal, and never when
/// NO_COLOR is set (to anything but nothing, as no-color.org asks) or TERM is dumb.
public enum ColorChoice: String, CaseIterable, Sendable {
    case auto, always, never

    /// Whether output written to `descriptor` gets colour.
    public func colors(_ descriptor: Int32) -> Bool {
        switch self {
        case .always: true
        case .never: false
        case .auto: Self.environmentAllowsColor && isatty(descriptor) == 1
        }
    }

    private static var environmentAllowsColor: Bool {
        let noColor = getenv("NO_COLOR").map { String(cString: $0) } ?? ""
        let terminal = getenv("TERM").map { String(cString: $0) }
        return noColor.isEmpty && terminal != "dumb"
    }

    /// The choice on a command line that could not be parsed, for its error message: never when
    /// it asks for no colour anywhere, always when it asks for that, else auto.
    public static func scanning(_ arguments: [String]) -> ColorChoice {
        var asked: Set<ColorChoice> = []
        for (index, argument) in arguments.enumerated() {
            if argument == "--no-color" || argument == "--no-colour" { asked.insert(.never) }
            if argument.hasPrefix("--color=") || argument.hasPrefix("--colour=") {
                asked.insert(ColorChoice(rawValue: String(argument.drop { $0 != "=" }.dropFirst())) ?? .auto)
            } else if argument == "--color" || argument == "--colour", index + 1 < arguments.count {
                asked.insert(ColorChoice(rawValue: arguments[index + 1]) ?? .auto)
            }
        }
        return asked.contains(.never) ? .never : asked.contains(.always) ? .always : .auto
    }
}
