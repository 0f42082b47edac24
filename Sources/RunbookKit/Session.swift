import FoundationEssentials
import Glibc
import RunbookRender
import RunbookEngine
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookMarkdown
import RunbookHost

/// What every command starts from: the target host, the state directory, the loaded runbook
/// and its variables. Preparing goes on past problems as far as it can and reports them all.
package struct Session {
    package let options: CommandLineOptions
    package let console: Console
    package let host: any Host
    package let state: StateDirectory
    /// Secrets the state directory keeps, generated or given to an earlier apply: masked in every
    /// command's output from the start, so a command that cannot load the runbook (a rollback from
    /// elsewhere, `snapshots`) still hides them. Read once; a secret stored later by another apply
    /// is read again by `prepare()`.
    package let keptSecrets: [String]
    /// Where the runbook is read from when that is not where `options.runbook` names it: the
    /// agent's copy of the controller's runbook, shown under the controller's name for it.
    package let runbookDirectory: String?
    /// Values that came with the request instead of through --var and --vars-file (the agent's).
    package let receivedVariables: [VariableInput]

    package init(options: CommandLineOptions, console: Console, runbookDirectory: String? = nil,
                 receivedVariables: [VariableInput] = []) throws {
        self.options = options
        self.console = console
        self.runbookDirectory = runbookDirectory
        self.receivedVariables = receivedVariables
        if let root = options.root {
            guard isDirectory(root) else {
                guard FileManager.default.fileExists(atPath: root) else {
                    throw Diagnostic("the --root directory \(root) does not exist", origin: "--root \(root)",
                                     hint: "create it first: mkdir -p \(root)")
                }
                throw Diagnostic("--root takes a directory to treat as /, and \(root) is not a directory", origin: "--root \(root)",
                                 hint: "give the directory the runbook's files should land under, like --root /tmp/sandbox")
            }
        }
        host = Self.makeHost(options)
        state = StateDirectory(path: StatePath(flag: options.stateDirectory, host: host))
        // A secrets file that cannot be read stops every command: without it nothing can be masked.
        keptSecrets = Array(try state.storedSecrets().values) + (try state.keptValues().values.values.filter(\.secret).map(\.value))
        console.redactor = Redactor(secrets: keptSecrets)
    }

    private static func makeHost(_ options: CommandLineOptions) -> any Host {
        options.root.map { RootedHost(root: $0) } ?? LiveHost()
    }

    /// The target seen anew, for a command that has just taken the lock: a host remembers the
    /// directories it resolved, and what it saw before the lock another apply may have changed since.
    package func hostUnderLock() -> any Host { Self.makeHost(options) }

    package var selection: StepSelection { StepSelection(chapters: Set(options.chapters), only: Set(options.only)) }

    /// The values given with --var and --vars-file that can be read, and the problems of the others.
    /// `earlier` (the values a saved plan was made with) come first, so that a value given now wins.
    package func givenVariables(after earlier: [VariableInput] = []) throws -> ([VariableInput], [Diagnostic]) {
        try Self.givenVariables(options, after: earlier + receivedVariables)
    }

    /// The values of --var and --vars-file, read on the machine the command line was typed on.
    package static func givenVariables(_ options: CommandLineOptions, after earlier: [VariableInput] = []) throws
        -> ([VariableInput], [Diagnostic]) {
        var inputs = earlier
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
        return (inputs, collector.items)
    }

    /// Loads, resolves and prepares; masks the secrets in all later output as soon as they are known.
    /// Each layer goes on past the problems of the one before, as far as it can, so that one run
    /// reports every problem. `forReaders` adds what only a reader of the chapters suffers from
    /// (a block whose path the prose does not name), which `check` reports and never stops a run:
    /// for the steps that were built, since a step with an error of its own is to be fixed first.
    package func prepare(after earlier: [VariableInput] = [], forReaders: Bool = false) throws -> PreparedRunbook {
        let (prepared, problems) = try prepareAsFarAsPossible(after: earlier, forReaders: forReaders)
        try DiagnosticCollector(problems).throwIfAny()
        return try StateDirectoryGuard(state: state, host: host).check(prepared)
    }

    /// What `prepare` makes of the runbook, and its problems, without refusing on them: the
    /// completion scripts offer the chapters and steps of a runbook that still has some.
    package func prepareAsFarAsPossible(after earlier: [VariableInput] = [], forReaders: Bool = false) throws -> (PreparedRunbook, [Diagnostic]) {
        let (runbook, resolution, resolveProblems) = try resolve(after: earlier)
        var problems = resolveProblems
        let (prepared, prepareProblems) = try PreparedRunbook.prepareAsFarAsPossible(runbook, variables: resolution.variables,
                                                                                  unsure: resolution.unsure)
        problems.record(contentsOf: prepareProblems)
        if forReaders {
            let built = Set(prepared.chapters.flatMap { $0.steps.map(\.info.id) + $0.inactive.map(\.0.id) })
            problems.record(contentsOf: PlacesNamedInProse.problems(in: runbook.steps.filter { built.contains($0.id) },
                                                                    vocabulary: StepRegistry.standard.vocabulary))
        }
        return (prepared, problems.items)
    }

    /// Loads the runbook and resolves its variables: the values given now, those kept from earlier
    /// applies, the generated secrets and the defaults. The problems found so far are returned, for
    /// `prepare()` to add its own to; `vars` reports them.
    package func resolve(after earlier: [VariableInput] = []) throws -> (Runbook, PartialResolution, DiagnosticCollector) {
        var problems = DiagnosticCollector()
        var (runbook, loadProblems) = try RunbookLoader(displayDirectory: options.runbook)
            .loadAsFarAsPossible(directory: runbookDirectory ?? options.runbook)
        // A runbook read from elsewhere (the agent's copy) is named, in plans, snapshots and
        // messages, as the operator named it.
        if runbookDirectory != nil { runbook.directory = options.runbook }
        problems.record(contentsOf: loadProblems)
        let (given, givenProblems) = try givenVariables(after: earlier)
        problems.record(contentsOf: givenProblems)
        let secretNames = Set(runbook.variables.filter(\.isSecret).map(\.name))
        let givenSecrets = given.filter { secretNames.contains($0.name) }.map(\.value)
        console.redactor = Redactor(secrets: keptSecrets + givenSecrets)
        let resolution = try PartialResolution(declarations: runbook.variables, given: given, storedSecrets: try state.storedSecrets(),
                                               kept: try state.keptValues(), unsure: runbook.unsure, givenIsComplete: givenProblems.isEmpty)
        console.redactor = Redactor(secrets: keptSecrets + resolution.variables.secretValues + givenSecrets)
        problems.record(contentsOf: resolution.problems)
        return (runbook, resolution, problems)
    }

    /// Applies killed midway and a rollback that did not finish, for the next command to report.
    package func unfinishedNotices() throws -> [String] {
        var notices = try state.snapshots.unfinished().filter { $0.kind == .apply }.map(Self.notice)
        if let stopped = try state.snapshots.newestUnfinishedRollback() { notices.append(Self.notice(stopped)) }
        return notices
    }

    package static func notice(_ unfinished: SnapshotManifest) -> String {
        switch unfinished.kind {
        case .apply:
            return "apply snapshot \(unfinished.id) (started \(unfinished.startedAt), pid \(unfinished.processID)) did not finish; "
                + "`runbook rollback \(unfinished.id)` restores the state from before it, or apply again to converge"
        case .rollback:
            return "\(halfRestored(unfinished)); `runbook rollback` finishes it"
        }
    }

    private static func halfRestored(_ rollback: SnapshotManifest) -> String {
        "rollback snapshot \(rollback.id) (started \(rollback.startedAt), pid \(rollback.processID)) did not finish: some paths "
            + "are back as they were before snapshot \(rollback.undoes.map(String.init).joined(separator: ", ")), others are not"
    }

    /// Takes the state directory lock for a command that changes things, and reports what an
    /// earlier run left behind: a lock record of a holder that died, applies killed midway (a
    /// rollback that did not finish is the business of the command itself). Those are marked
    /// interrupted when `markingInterrupted`, so they are reported once.
    package func takeLock(for command: String, markingInterrupted: Bool) throws -> StateLock {
        // Every snapshot is read first, so that a damaged one is refused before the lock file is
        // made or an interrupted snapshot is marked.
        _ = try state.snapshots.list()
        let lock = try StateLock(stateDirectory: state.path, command: "runbook \(command)")
        if let stale = lock.staleHolder {
            console.error("note: the lock was left by \(stale), which is gone; it did not finish cleanly")
        }
        for manifest in try state.snapshots.unfinished() {
            if manifest.kind == .apply { console.error("note: \(Self.notice(manifest))") }
            if markingInterrupted { try state.snapshots.markInterrupted(manifest) }
        }
        return lock
    }

    /// Refuses to change anything else while a rollback is unfinished: its paths are half restored.
    package func refuseWhileARollbackIsUnfinished() throws {
        guard let stopped = try state.snapshots.newestUnfinishedRollback() else { return }
        throw Diagnostic(Self.halfRestored(stopped), origin: state.snapshots.displayPath(of: stopped.id),
                         hint: "run `runbook rollback` to finish it, then apply again")
    }
}
