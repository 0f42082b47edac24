import FoundationEssentials
import Glibc
import RunbookModel
import RunbookHost

/// Where `runbook agent` keeps a command that changes the server while it runs detached from the
/// ssh session that asked for it, until its outcome has reached the controller: `STATE/runs/ID/`
/// (0700) with `run.json`, `events` (the answer, NDJSON), `log` (what it said for people), and
/// the locks that tell who is still at it: `worker.lock`, held by the detached command for as
/// long as it runs, and `relay.lock`, held by the agent that relays its answer to the controller.
///
/// The controller removes a run once it has read its answer to the end, over the same master
/// connection; a run still there that nobody relays lost its connection before that. The next
/// agent on that server finds it and reports it (``EarlierRun``) once: how it ended, or that it
/// is still running.
public struct AgentRuns: Sendable {
    public let stateDirectory: String
    public var directory: String { "\(stateDirectory)/runs" }

    public init(stateDirectory: String) {
        self.stateDirectory = stateDirectory
    }

    /// What `run.json` says.
    public struct Record: Sendable, Codable {
        public var command: String
        public var startedAt: String
    }

    public struct Run: Sendable {
        public let path: String
        public var name: String { String(path.split(separator: "/").last ?? "") }
        public var events: String { "\(path)/events" }
        public var log: String { "\(path)/log" }
        public var workerLock: String { "\(path)/worker.lock" }
        public var relayLock: String { "\(path)/relay.lock" }
    }

    /// A new run's directory, its relay lock held by this process for as long as it lives (taken
    /// before the record is written, so no other agent ever sees the run unattended), its record written.
    public func create(command: String, startedAt: String) throws -> Run {
        // Private, as runbook makes its state directory (the binary's upload made it, as a rule).
        for path in [stateDirectory, directory] where !isDirectory(path) {
            do {
                try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
            } catch {
                throw HostError(path: path, operation: "make directory", reason: "\(error)", hint: "check the state directory's parent")
            }
        }
        var template = Array("\(directory)/run-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw HostError(path: directory, operation: "make a run directory", errno: errno) }
        let run = Run(path: String(cString: made))
        guard DetachedProcess.holdForLife(run.relayLock) != nil else {
            throw HostError(path: run.relayLock, operation: "lock", errno: errno)
        }
        let record = try JSONEncoder().encode(Record(command: command, startedAt: startedAt))
        guard FileManager.default.createFile(atPath: "\(run.path)/run.json", contents: record, attributes: [.posixPermissions: 0o600]) else {
            throw HostError(path: "\(run.path)/run.json", operation: "write", errno: errno)
        }
        return run
    }

    /// Hands `report` each run whose answer no agent is relaying, once: it is removed after,
    /// unless still running. Each is held by its relay lock meanwhile, so two agents starting at
    /// once never both report one.
    public func reportUnattended(_ report: (EarlierRun) -> Void) {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).filter(Self.isRunName).sorted()
        for name in names {
            let run = Run(path: "\(directory)/\(name)")
            guard let held = DetachedProcess.holdForLife(run.relayLock) else { continue }
            defer { close(held) }
            guard let data = FileManager.default.contents(atPath: "\(run.path)/run.json"),
                  let record = try? JSONDecoder().decode(Record.self, from: data) else { continue }
            let earlier = EarlierRun(record: record, running: DetachedProcess.holdsLock(run.workerLock), events: events(of: run))
            report(earlier)
            if earlier.state != .running { remove(run) }
        }
    }

    public func remove(_ run: Run) {
        try? FileManager.default.removeItem(atPath: run.path)
    }

    /// Whether `name` is one `create` makes (`run-` and six letters or digits): the controller
    /// quotes nothing else into the command that removes a run it has read to the end.
    public static func isRunName(_ name: String) -> Bool {
        name.hasPrefix("run-") && name.count == 10 && name.dropFirst(4).allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber) }
    }

    /// The shell command that removes a run whose answer reached the controller.
    public func removal(of name: String) -> String? {
        Self.isRunName(name) ? "rm -rf -- \(ShellWord.quoted("\(directory)/\(name)"))" : nil
    }

    /// Every whole line of the run's answer.
    public func events(of run: Run) -> [Data] {
        let data = FileManager.default.contents(atPath: run.events) ?? Data()
        return data.split(separator: UInt8(ascii: "\n")).map { Data($0) }
    }
}

/// A command whose connection dropped, as the next agent on the server tells the controller:
/// `the apply started 2026-12-04T10:42:07Z, whose connection dropped, finished: 7 steps changed`.
public struct EarlierRun: Sendable, Codable, Equatable {
    public enum State: String, Sendable, Codable {
        /// It ended and said how (`exitCode`, and for an apply `changedSteps` and `failure`).
        case finished
        /// Still at it: its lock is held.
        case running
        /// It ended without an answer (it was killed); the snapshots say what it left.
        case ended
    }

    public var command: String
    public var startedAt: String
    public var state: State
    public var exitCode: Int32?
    public var changedSteps: Int?
    /// The first line of what failed: `FILE:LINE:COL: error: …`.
    public var failure: String?

    init(record: AgentRuns.Record, running: Bool, events: [Data]) {
        command = record.command
        startedAt = record.startedAt
        let messages = events.compactMap { try? AgentMessage.from(line: $0) }
        exitCode = messages.last { $0.kind == "exit" }?.exitCode
        let outcome = messages.last { $0.kind == "applied" }?.outcome
        changedSteps = outcome?.changedSteps
        failure = outcome?.failure.map { String($0.prefix { $0 != "\n" }) }
            ?? messages.last { $0.kind == "errors" }?.errors?.first?.description
        state = running ? .running : exitCode == nil ? .ended : .finished
    }

    /// What the controller prints about it, after the host's name.
    public var sentence: String {
        let what = "the \(command) started \(startedAt), whose connection dropped,"
        switch state {
        case .running:
            return "\(what) is still running; wait for it to finish, then run the command again"
        case .ended:
            return "\(what) ended without finishing (it was killed); `runbook snapshots --host …` shows what it recorded"
        case .finished:
            if let failure { return "\(what) failed and restored what it had changed: \(failure)" }
            if let changed = changedSteps { return "\(what) finished: \(changed == 0 ? "no changes" : "\(changed) step\(changed == 1 ? "" : "s") changed")" }
            return "\(what) finished (exit \(exitCode ?? 0))"
        }
    }
}
