import FoundationEssentials
import Glibc

/// What every command starts from: the target host, the state directory, the loaded runbook
/// and its variables. Loading stops at the first layer that has problems and reports them all.
struct Session {
    let options: CommandLineOptions
    let console: Console
    let host: any Host
    let state: StateDirectory

    init(options: CommandLineOptions, console: Console) throws {
        self.options = options
        self.console = console
        if let root = options.root {
            guard isDirectory(root) else {
                throw Diagnostic("the --root directory \(root) does not exist", origin: "--root \(root)",
                                 hint: "create it first: mkdir -p \(root)")
            }
            host = RootedHost(root: root)
        } else {
            host = LiveHost()
        }
        state = StateDirectory(path: StatePath(flag: options.stateDirectory, host: host))
    }

    func loadRunbook() throws -> Runbook {
        try RunbookLoader(displayDirectory: options.runbook).load(directory: options.runbook)
    }

    func givenVariables() throws -> [VariableInput] {
        var inputs: [VariableInput] = []
        var collector = DiagnosticCollector()
        for file in options.varsFiles {
            guard let data = FileManager.default.contents(atPath: file) else {
                collector.record(Diagnostic("cannot read the vars file \(file)", origin: "--vars-file \(file)",
                                            hint: "check the path and its permissions"))
                continue
            }
            if let parsed = try collector.attempt({ try VariableInput.parseFile(try RunbookLoader.decodeUTF8(data, file: file), file: file) }) {
                inputs += parsed
            }
        }
        for argument in options.variables {
            if let input = try collector.attempt({ try VariableInput.parseArgument(argument) }) { inputs.append(input) }
        }
        try collector.throwIfAny()
        return inputs
    }

    /// Loads, resolves and prepares; masks the secrets in all later output as soon as they are known.
    func prepare() throws -> PreparedRunbook {
        let runbook = try loadRunbook()
        let given = try givenVariables()
        let secretNames = Set(runbook.variables.filter(\.isSecret).map(\.name))
        console.redactor = Redactor(secrets: given.filter { secretNames.contains($0.name) }.map(\.value))
        let stored = try state.storedSecrets()
        let variables = try VariableResolver(declarations: runbook.variables, given: given, storedSecrets: stored).resolve()
        console.redactor = Redactor(secrets: variables.secretValues + given.filter { secretNames.contains($0.name) }.map(\.value))
        return try StateDirectoryGuard(state: state, host: host).check(PreparedRunbook.prepare(runbook, variables: variables))
    }

    /// Applies killed midway, for the next command to report.
    func unfinishedNotices() -> [String] {
        ((try? state.snapshots.unfinished()) ?? []).map(Self.notice)
    }

    static func notice(_ unfinished: SnapshotManifest) -> String {
        "apply snapshot \(unfinished.id) (started \(unfinished.startedAt), pid \(unfinished.processID)) did not finish; "
            + "`runbook rollback \(unfinished.id)` restores the state from before it, or apply again to converge"
    }

    /// Takes the state directory lock for a command that changes things, and reports what an
    /// earlier run left behind: a lock record of a holder that died, applies killed midway.
    /// Those are marked interrupted when `markingInterrupted`, so they are reported once.
    func takeLock(for command: String, markingInterrupted: Bool) throws -> StateLock {
        let lock = try StateLock(stateDirectory: state.path, command: "runbook \(command)")
        if let stale = lock.staleHolder {
            console.error("note: the lock was left by \(stale), which is gone; it did not finish cleanly")
        }
        for manifest in try state.snapshots.unfinished() {
            console.error("note: \(Self.notice(manifest))")
            if markingInterrupted { try state.snapshots.markInterrupted(manifest) }
        }
        return lock
    }
}
