import FoundationEssentials
import Glibc
import RunbookRemote
import RunbookRender
import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookMarkdown
import RunbookHost

/// The parsed command line: the command, its arguments and its flags.
///
/// `runbook plan --root /tmp/sandbox --var tls=selfsigned --json` gives command `plan`, root
/// `/tmp/sandbox`, one variable and JSON output. Flags may come before or after the command.
/// Every word must be one the command takes (``CommandDeclaration``); anything else is a
/// ``UsageError`` before anything is read from or written to the target.
public struct CommandLineOptions: Sendable {
    public var command: String?
    public var arguments: [String] = []
    /// `--runbook DIR`, when given: `apply FILE` otherwise uses the folder the plan was made from.
    public var runbookFlag: String?
    public var runbook: String { runbookFlag ?? "Runbook" }
    public var root: String?
    public var stateDirectory: String?
    public var variables: [String] = []
    public var varsFiles: [String] = []
    public var json = false
    /// `--color=WHEN`; `--no-color` is `--color=never`.
    public var color = ColorChoice.auto
    public var stepMode = false
    public var atomic = false
    /// `plan --html FILE`, `show PLAN --html FILE`: where to write the review page.
    public var htmlFile: String?
    /// `plan --out FILE`: where to save the plan for `apply FILE`.
    public var outFile: String?
    public var chapters: [String] = []
    public var only: [String] = []
    public var force = false
    /// `--host [user@]name[:port]`, repeatable: carry the command out on those servers, over ssh, instead of here.
    public var hosts: [SSHTarget] = []
    /// `--inventory FILE`: the servers an inventory names (runbook's own format or Ansible's INI).
    public var inventory: String?
    /// `--limit PATTERN`: the hosts or groups of the fleet to take.
    public var limit: HostPattern?
    /// `--parallel N`: how many hosts at once.
    public var parallel = 10
    /// `--serial` and `--max-fail`: apply in batches, stopping after a batch with too many failures.
    public var rollout = try! Rollout(serial: nil, maxFail: nil)
    /// `--become`: the server's side runs under `sudo -n`.
    public var become = false
    /// `apply FILE --skip-stale` of a fleet plan: apply the hosts whose part is still fresh.
    public var skipStale = false
    /// The flags given that only choose among servers, for `apply FILE` of this machine's plan to refuse.
    public var serverFlags: [String] {
        [("--limit", limit != nil), ("--parallel", parallel != 10), ("--serial", rollout.batchSizes != [.percent(100)]),
         ("--max-fail", rollout.maxFail != .hosts(0)), ("--become", become), ("--skip-stale", skipStale)].filter(\.1).map(\.0)
    }

    /// Whether the command is carried out on other servers, over ssh.
    public var isRemote: Bool { !hosts.isEmpty || inventory != nil }
    /// `vars --forget NAME`: the kept values to drop.
    public var forget: [String] = []
    public var help = false
    /// `help --man`: the manual page instead of the help.
    public var manual = false
    /// `completions --list WHAT`: the names a completion script asks for.
    public var listing: CompletionListing?
    public var version = false

    /// A wrong command line (exit 64). Its text never holds a value that could be a secret.
    public struct UsageError: Error, CustomStringConvertible {
        public var message: String
        public var hint: String?

        public init(_ message: String, hint: String? = nil) {
            self.message = message
            self.hint = hint
        }

        public var description: String { message + (hint.map { " (\($0))" } ?? "") }
    }

    public init(parsing arguments: [String]) throws {
        var serialWords: (serial: String?, maxFail: String?) = (nil, nil)
        var remaining = arguments[...]
        var given: [String] = []
        while let argument = remaining.popFirst() {
            var flag = argument
            var inlineValue: String?
            if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
                flag = String(argument[..<equals])
                inlineValue = String(argument[argument.index(after: equals)...])
            }
            if flag == "--colour" { flag = FlagDeclaration.color.name }
            if flag == "--no-colour" { flag = FlagDeclaration.noColor.name }
            if flag == "--" {
                self.arguments.append(contentsOf: remaining)
                remaining = []
                continue
            }
            guard flag.hasPrefix("-"), flag != "-" else {
                if command == nil { command = argument } else { self.arguments.append(argument) }
                continue
            }
            let takesValue = CommandDeclaration.knownFlags[flag]
            guard takesValue != nil || CommandDeclaration.universalFlags.contains(flag) else {
                let known = Set(CommandDeclaration.knownFlags.keys).union(CommandDeclaration.universalFlags)
                throw UsageError("unknown option \(Diagnostic.shown(flag))", hint: Self.closest(to: flag, among: known))
            }
            if takesValue != true, inlineValue != nil {
                throw UsageError("\(flag) takes no value", hint: "write just \(flag)")
            }
            func value() throws -> String {
                // `--root --json` lost its directory: never take the next flag as the value. An
                // empty value (`--root=`, `--state-dir ""`) is as good as none.
                guard let given = inlineValue ?? remaining.popFirst(), !given.isEmpty, inlineValue != nil || !given.hasPrefix("--") else {
                    throw UsageError("\(flag) needs a value")
                }
                return given
            }
            if given.contains(flag), !CommandDeclaration.repeatableFlags.contains(flag) {
                let repeatable = FlagDeclaration.all.filter(\.repeatable).map(\.name)
                throw UsageError("\(flag) is given twice", hint: "give it once; only \(repeatable.dropLast().joined(separator: ", ")) and \(repeatable.last!) repeat")
            }
            // `--no-color --color=always` asks for two colourings at once.
            let colourFlags = [FlagDeclaration.color.name, FlagDeclaration.noColor.name]
            if colourFlags.contains(flag), given.contains(where: colourFlags.contains) {
                throw UsageError("--color and --no-color are given together", hint: "give one; --no-color is --color=never")
            }
            given.append(flag)
            // `--vars-file secret=KEY` meant `--var`: the word looks like an assignment, and
            // repeating it in an error about a missing file would show the key.
            func pathOrName() throws -> String {
                let given = try value()
                if let equals = given.firstIndex(of: "="), equals != given.startIndex,
                   VariableDeclaration.isValidName(String(given[..<equals])) {
                    throw UsageError("\(flag) takes a path or a name, not NAME=VALUE like \(Diagnostic.shown(given))",
                                     hint: "to set a variable, write --var \(Diagnostic.shown(given, quoted: false))")
                }
                return given
            }
            switch flag {
            case "--runbook": runbookFlag = try pathOrName()
            case "--root": root = try pathOrName()
            case "--state-dir": stateDirectory = try pathOrName()
            case "--var": variables.append(try Self.checkedVariable(try value()))
            case "--vars-file": varsFiles.append(try pathOrName())
            case "--chapter": chapters.append(try pathOrName())
            case "--only": only.append(try pathOrName())
            case "--json": json = true
            case "--color": color = try Self.choice(of: flag, try value(), among: ColorChoice.self)
            case "--no-color": color = .never
            case "--man": manual = true
            case "--list": listing = try Self.choice(of: flag, try value(), among: CompletionListing.self)
            case "--step": stepMode = true
            case "--atomic": atomic = true
            case "--html": htmlFile = try pathOrName()
            case "--out": outFile = try pathOrName()
            case "--force": force = true
            case "--host":
                do {
                    hosts.append(try SSHTarget(parsing: try value()))
                } catch let invalid as SSHTarget.Invalid {
                    throw UsageError(invalid.message, hint: invalid.hint)
                }
            case "--inventory": inventory = try pathOrName()
            case "--limit":
                do {
                    limit = try HostPattern(try value())
                } catch let invalid as HostPattern.Invalid {
                    throw UsageError(invalid.message, hint: invalid.hint)
                }
            case "--parallel":
                let word = try value()
                guard let count = Int(word), (1...1000).contains(count) else {
                    throw UsageError("--parallel takes a number of hosts from 1 to 1000, not \(Diagnostic.shown(word))", hint: "the default is 10")
                }
                parallel = count
            case "--serial", "--max-fail":
                let word = try value()
                do {
                    rollout = flag == "--serial" ? try Rollout(serial: word, maxFail: serialWords.maxFail) : try Rollout(serial: serialWords.serial, maxFail: word)
                } catch {
                    throw UsageError(error.message, hint: error.hint)
                }
                if flag == "--serial" { serialWords.serial = word } else { serialWords.maxFail = word }
            case "--become": become = true
            case "--skip-stale": skipStale = true
            case "--forget": forget.append(try pathOrName())
            case "--version": version = true
            default: help = true
            }
        }
        if version || command == nil { return }
        if help {
            if let name = command, name != "help", CommandDeclaration.named(name) == nil { throw Self.unknownCommand(name) }
            return
        }
        try validate(given)
    }

    /// The command exists, takes every flag given, and the right positional words.
    private func validate(_ given: [String]) throws {
        let name = command!
        guard let declaration = CommandDeclaration.named(name) else { throw Self.unknownCommand(name) }
        let words = arguments
        switch declaration.positional {
        case .none:
            guard let word = words.first else { break }
            throw UsageError("\(name) takes no argument, but was given \(Diagnostic.shown(word))", hint: Self.meant(word))
        case .optionalSnapshotID:
            guard words.count <= 1 else { throw UsageError("rollback takes at most one snapshot id") }
            if let word = words.first, Int(word).map({ $0 > 0 }) != true {
                throw UsageError("rollback takes a snapshot id, a whole number, not \(Diagnostic.shown(word))",
                                 hint: Self.meant(word) ?? "`runbook snapshots` lists them")
            }
        case .optionalShowID:
            guard !words.isEmpty else { break }
            guard words.count == 2, words[0] == "show", Int(words[1]).map({ $0 > 0 }) == true else {
                throw UsageError("snapshots takes no argument, or `show ID`", hint: "`runbook snapshots` lists the ids")
            }
        case .optionalPlanFile, .planFile:
            if declaration.positional == .planFile, words.isEmpty {
                throw UsageError("\(name) needs the saved plan file to read", hint: "runbook \(name) FILE; make one with `runbook plan --out FILE`")
            }
            guard words.count <= 1 else { throw UsageError("\(name) takes one saved plan file") }
            guard let word = words.first else { break }
            guard !word.contains("=") else {
                throw UsageError("\(name) takes a saved plan file, not \(Diagnostic.shown(word))", hint: Self.meant(word))
            }
            var info = stat()
            guard stat(word, &info) == 0 else {
                throw UsageError("\(name) takes a saved plan file, and there is none at \(Diagnostic.shown(word))",
                                 hint: Self.meant(word) ?? "make one with `runbook plan --out \(Diagnostic.shown(word, quoted: false))`")
            }
            guard info.st_mode & S_IFMT != S_IFDIR else {
                throw UsageError("\(name) takes a saved plan file, but \(Diagnostic.shown(word)) is a directory", hint: Self.meant(word))
            }
        case .optionalCommandName:
            guard words.count <= 1 else { throw UsageError("help takes at most one command name") }
            if let word = words.first, !CommandDeclaration.names.contains(word) { throw Self.unknownCommand(word) }
            if manual, let word = words.first {
                throw UsageError("help --man prints the whole manual, so it takes no command name like \(Diagnostic.shown(word))",
                                 hint: "write runbook help --man, or runbook help \(word)")
            }
        case .shellName:
            if listing != nil {
                guard let word = words.first else { break }
                throw UsageError("completions --list prints names, so it takes no shell like \(Diagnostic.shown(word))")
            }
            guard words.count == 1 else {
                throw UsageError("completions takes one shell: bash, zsh or fish", hint: "for example runbook completions bash")
            }
            _ = try Self.choice(of: "completions", words[0], among: CompletionShell.self)
        }
        for flag in given where !declaration.flags.contains(flag) {
            throw UsageError("\(name) does not take \(flag)", hint: "`runbook help \(name)` lists what it takes")
        }
        if stepMode && json {
            throw UsageError("--step asks at a terminal, so it cannot be combined with --json")
        }
        if name == "apply", arguments.isEmpty, given.contains("--skip-stale") {
            throw UsageError("--skip-stale is for apply FILE of a plan made with --host or --inventory", hint: "runbook apply FILE --skip-stale")
        }
        if let twice = hosts.first(where: { host in hosts.filter { $0 == host }.count > 1 }) {
            throw UsageError("--host \(twice) is given twice", hint: "name each host once")
        }
        if isRemote {
            let targets = inventory.map { "--inventory \($0)" } ?? "--host \(hosts[0])"
            for flag in ["--step", "--html"] where given.contains(flag) && !(flag == "--html" && hosts.count == 1 && inventory == nil) {
                throw UsageError("\(targets) does not take \(flag)", hint: flag == "--step" ? "a guided tour asks at one terminal for one server: run `runbook \(name) --step` on the server itself"
                                    : "run `runbook plan \(flag) FILE` on the server itself")
            }
            if name == "apply", !arguments.isEmpty {
                throw UsageError("apply FILE carries out a saved plan on the hosts it was made for, so it does not take \(targets)",
                                 hint: "a plan made with --host or --inventory names its hosts; --limit picks among them")
            }
        } else if !(name == "apply" && !arguments.isEmpty) {
            for flag in ["--limit", "--parallel", "--serial", "--max-fail", "--become", "--skip-stale"] where given.contains(flag) {
                throw UsageError("\(flag) chooses among servers, and no --host or --inventory names any", hint: "for example runbook \(name) --inventory hosts.ini \(flag) …")
            }
        }
        if name == "apply", let file = arguments.first {
            for flag in ["--step", "--chapter", "--only"] where given.contains(flag) {
                throw UsageError("apply \(Diagnostic.shown(file, quoted: false)) carries out the saved plan as it was reviewed, so it does not take \(flag)",
                                 hint: "to limit it, make a plan with `runbook plan \(flag) … --out FILE`")
            }
        }
    }

    /// `--var NAME=VALUE` is checked here, where a mistake is a wrong command line. The value is
    /// never repeated: it may be a secret.
    private static func checkedVariable(_ text: String) throws -> String {
        guard let equals = text.firstIndex(of: "="), equals != text.startIndex else {
            throw UsageError("--var takes NAME=VALUE, and this one has \(text.contains("=") ? "no name" : "no '='")",
                             hint: "for example --var domain=inference.example.com")
        }
        return text
    }

    /// A word that must be one of a few, like `--color always`.
    private static func choice<Choice: RawRepresentable & CaseIterable>(of what: String, _ word: String, among _: Choice.Type) throws
        -> Choice where Choice.RawValue == String {
        if let choice = Choice(rawValue: word) { return choice }
        let words = Choice.allCases.map(\.rawValue)
        throw UsageError("\(what) takes \(words.dropLast().joined(separator: ", ")) or \(words.last!), not \(Diagnostic.shown(word))",
                         hint: closest(to: word, among: Set(words)))
    }

    private static func unknownCommand(_ name: String) -> UsageError {
        let shown = CommandDeclaration.shown.map(\.name)
        return UsageError("there is no command \(Diagnostic.shown(name))", hint: closest(to: name, among: Set(shown))
            ?? "commands are " + shown.joined(separator: ", "))
    }

    /// What a word that was meant as something else probably meant.
    private static func meant(_ word: String) -> String? {
        if word.contains("=") { return "to set a variable, write --var \(Diagnostic.shown(word, quoted: false))" }
        if word.hasPrefix("/") || word.hasPrefix(".") { return "to treat a directory as /, write --root \(Diagnostic.shown(word, quoted: false))" }
        return nil
    }

    private static func closest(to word: String, among known: Set<String>) -> String? {
        let hint = suggestion(for: word, among: known, what: "")
        return hint.hasPrefix("did you mean") ? hint : nil
    }
}
