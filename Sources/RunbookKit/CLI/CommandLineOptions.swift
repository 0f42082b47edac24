import FoundationEssentials
import Glibc

/// The parsed command line: the command, its arguments and the flags common to all commands.
///
/// `runbook plan --root /tmp/sandbox --var tls=selfsigned --json` gives command `plan`, root
/// `/tmp/sandbox`, one variable and JSON output. Flags may come before or after the command.
public struct CommandLineOptions: Sendable {
    public var command: String?
    public var arguments: [String] = []
    public var runbook = "Runbook"
    public var root: String?
    public var stateDirectory: String?
    public var variables: [String] = []
    public var varsFiles: [String] = []
    public var json = false
    public var noColor = false
    public var stepMode = false
    public var chapters: [String] = []
    public var only: [String] = []
    public var force = false
    public var help = false
    public var version = false

    public struct UsageError: Error, CustomStringConvertible {
        public var description: String
    }

    static let valueFlags: Set<String> = ["--runbook", "--root", "--state-dir", "--var", "--vars-file", "--chapter", "--only"]

    public init(parsing arguments: [String]) throws {
        var remaining = arguments[...]
        while let argument = remaining.popFirst() {
            var flag = argument
            var inlineValue: String?
            if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "="), Self.valueFlags.contains(String(argument[..<equals])) {
                flag = String(argument[..<equals])
                inlineValue = String(argument[argument.index(after: equals)...])
            }
            func value() throws -> String {
                if let inlineValue { return inlineValue }
                guard let next = remaining.popFirst() else { throw UsageError(description: "\(flag) needs a value") }
                return next
            }
            switch flag {
            case "--runbook": runbook = try value()
            case "--root": root = try value()
            case "--state-dir": stateDirectory = try value()
            case "--var": variables.append(try value())
            case "--vars-file": varsFiles.append(try value())
            case "--chapter": chapters.append(try value())
            case "--only": only.append(try value())
            case "--json": json = true
            case "--no-color", "--no-colour": noColor = true
            case "--step": stepMode = true
            case "--force": force = true
            case "-h", "--help": help = true
            case "--version": version = true
            case "--": self.arguments.append(contentsOf: remaining); remaining = []
            default:
                if argument.hasPrefix("-") && argument != "-" {
                    throw UsageError(description: "unknown option \(argument)")
                }
                if command == nil { command = argument } else { self.arguments.append(argument) }
            }
        }
    }
}
