import FoundationEssentials
import RunbookEngine
import RunbookSnapshots
import RunbookModel
import RunbookHost

/// What `runbook agent` and the controller say to each other over ssh (docs/REMOTE.md).
///
/// The request is one line of JSON, an ``AgentRequest``, then exactly `archiveBytes` bytes of the
/// runbook's ``RunbookArchive``. The answer is NDJSON: one ``AgentMessage`` a line, the first a
/// `hello` with the agent's protocol version, the last an `exit`. Both sides ignore keys they do
/// not know; a different major version is refused, naming the side to upgrade.
public enum AgentProtocol {
    /// MAJOR.MINOR: a new minor adds keys or message kinds, a new major is a break.
    public static let version = "1.1"

    /// The most a request may hold: a runbook is text, and the agent keeps the request in memory.
    public static let requestLimit = 64 << 20

    /// Why `theirs` cannot be spoken here, or nil when it can. `we` says what this side is.
    public static func refusal(of theirs: String, from them: String, we: String) -> String? {
        let major = { (version: String) in Int(version.prefix { $0 != "." }) }
        guard let their = major(theirs), let our = major(version) else {
            return "\(them) sent no protocol version runbook knows (\(Diagnostic.shown(theirs)))"
        }
        guard their != our else { return nil }
        let older = their < our ? them : we
        return "\(them) speaks agent protocol \(theirs) and \(we) speaks \(version): upgrade the runbook of \(older)"
    }
}

/// The controller's request: which command, for which target, with which values.
public struct AgentRequest: Sendable, Codable {
    public var protocolVersion = AgentProtocol.version
    /// `plan`, `apply`, `rollback`, `snapshots` or `vars`.
    public var command: String
    /// The command's own words: rollback's snapshot id, `show ID` of snapshots.
    public var arguments: [String] = []
    /// The runbook folder as the operator named it, so every location reads as it would locally.
    public var runbook: String
    public var root: String?
    public var stateDirectory: String?
    public var chapters: [String] = []
    public var only: [String] = []
    public var atomic = false
    /// rollback's `--force`, vars' `--forget`, and `--json` for the commands whose output travels as text.
    public var force = false
    public var forget: [String] = []
    public var json = false
    /// `plan --out`: the agent makes a saved plan of its host too, and sends it (1.1).
    public var savePlan = false
    /// `apply FILE` of a fleet plan: this host's saved plan, with the file's name for messages;
    /// with `checkOnly`, the agent only says whether it is stale (1.1).
    public var savedPlan: SavedPlan?
    public var savedPlanFile: String?
    public var checkOnly = false
    /// What --var and --vars-file gave on the controller. Secrets travel here, on standard input.
    public var variables: [VariableInput] = []
    public var archiveBytes: Int
    public var archiveSHA256: String

    public init(command: String, arguments: [String] = [], runbook: String, root: String?, stateDirectory: String?, chapters: [String],
                only: [String], atomic: Bool, force: Bool = false, forget: [String] = [], json: Bool = false, variables: [VariableInput],
                archive: RunbookArchive) {
        self.command = command
        self.arguments = arguments
        self.force = force
        self.forget = forget
        self.json = json
        self.runbook = runbook
        self.root = root
        self.stateDirectory = stateDirectory
        self.chapters = chapters
        self.only = only
        self.atomic = atomic
        self.variables = variables
        archiveBytes = archive.bytes.count
        archiveSHA256 = archive.sha256
    }

    /// The same request, asking the agent for a saved plan of its host too (`plan --out`).
    public func savingPlan(_ save: Bool) -> AgentRequest {
        var request = self
        request.savePlan = save
        return request
    }

    /// Where the server keeps its state, as the agent resolves it: the binary's `bin/` and the
    /// detached commands' `runs/` are there.
    public var serverStateDirectory: String {
        stateDirectory ?? root.map { "\($0)/\(StatePath.defaultTarget.dropFirst())" } ?? StatePath.defaultTarget
    }

    /// The request line, then the archive.
    public func framed(with archive: RunbookArchive) throws -> Data {
        try JSONEncoder().encode(self) + Data("\n".utf8) + archive.bytes
    }

    /// The request and its archive out of what the agent read, checked against each other.
    public static func unframe(_ data: Data) throws -> (AgentRequest, RunbookArchive) {
        guard let newline = data.firstIndex(of: UInt8(ascii: "\n")) else { throw malformed("it has no request line") }
        let header = data[data.startIndex..<newline]
        let request: AgentRequest
        do {
            request = try JSONDecoder().decode(AgentRequest.self, from: header)
        } catch {
            if let version = try? JSONDecoder().decode(VersionOnly.self, from: header).protocolVersion,
               let refusal = AgentProtocol.refusal(of: version, from: "the controller", we: "this host") {
                throw malformed(refusal)
            }
            throw malformed("its request line is not a request: \(error)")
        }
        if let refusal = AgentProtocol.refusal(of: request.protocolVersion, from: "the controller", we: "this host") { throw malformed(refusal) }
        let archive = RunbookArchive(bytes: Data(data[data.index(after: newline)...]))
        guard archive.bytes.count == request.archiveBytes, archive.sha256 == request.archiveSHA256 else {
            throw malformed("the runbook that came with it is not the one the request names (\(archive.bytes.count) bytes)")
        }
        return (request, archive)
    }

    private struct VersionOnly: Decodable { var protocolVersion: String }

    // Keys a 1.0 controller does not send take their defaults.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        protocolVersion = try container.decode(String.self, forKey: .protocolVersion)
        command = try container.decode(String.self, forKey: .command)
        arguments = try container.decodeIfPresent([String].self, forKey: .arguments) ?? []
        runbook = try container.decode(String.self, forKey: .runbook)
        root = try container.decodeIfPresent(String.self, forKey: .root)
        stateDirectory = try container.decodeIfPresent(String.self, forKey: .stateDirectory)
        chapters = try container.decodeIfPresent([String].self, forKey: .chapters) ?? []
        only = try container.decodeIfPresent([String].self, forKey: .only) ?? []
        atomic = try container.decodeIfPresent(Bool.self, forKey: .atomic) ?? false
        force = try container.decodeIfPresent(Bool.self, forKey: .force) ?? false
        forget = try container.decodeIfPresent([String].self, forKey: .forget) ?? []
        json = try container.decodeIfPresent(Bool.self, forKey: .json) ?? false
        savePlan = try container.decodeIfPresent(Bool.self, forKey: .savePlan) ?? false
        savedPlan = try container.decodeIfPresent(SavedPlan.self, forKey: .savedPlan)
        savedPlanFile = try container.decodeIfPresent(String.self, forKey: .savedPlanFile)
        checkOnly = try container.decodeIfPresent(Bool.self, forKey: .checkOnly) ?? false
        variables = try container.decodeIfPresent([VariableInput].self, forKey: .variables) ?? []
        archiveBytes = try container.decode(Int.self, forKey: .archiveBytes)
        archiveSHA256 = try container.decode(String.self, forKey: .archiveSHA256)
    }

    private static func malformed(_ why: String) -> Diagnostic {
        Diagnostic("refused the request on standard input: \(why)", origin: "runbook agent",
                   hint: "runbook agent is what `runbook plan --host` and `apply --host` run on the server; it is not meant to be run by hand")
    }
}

/// One line of the agent's answer. `kind` says which fields it has; a kind the controller does
/// not know is skipped. An `event` line is the `event` document of `apply --json` (docs/JSON.md),
/// whose keys are its own (its `outcome` is a word): it is read from the line, as ``from(line:)`` says.
public struct AgentMessage: Sendable, Codable {
    public var kind: String
    /// `hello`: the agent's protocol and runbook versions.
    public var protocolVersion: String?
    public var runbookVersion: String?
    /// `plan`: the plan value, in the engine's own Codable form, secrets masked.
    public var plan: Plan?
    /// `applied`: how the apply ended.
    public var outcome: Applier.Outcome?
    /// `errors`: why the command was refused or failed before it had a result.
    public var errors: [Diagnostic]?
    /// `exit`: the command's exit code, the last line.
    public var exitCode: Int32?
    /// `output`: what a command whose result is text (rollback, snapshots, vars) printed, and
    /// whether on standard error.
    public var text: String?
    public var standardError: Bool?
    /// `earlier`: a command whose connection dropped, as it ended (or that it still runs).
    public var earlier: EarlierRun?
    /// `savedPlan`: the saved plan the agent made of its host for `plan --out`.
    public var savedPlan: SavedPlan?
    /// `stale`: why a saved plan no longer holds for this host (empty: it still does).
    public var stale: [String]?
    /// `detached`: the name of the run a changing command keeps under `STATE/runs/` until the
    /// controller, having read the answer to its end, removes it.
    public var run: String?

    public static func hello(runbookVersion: String) -> AgentMessage {
        AgentMessage(kind: "hello", protocolVersion: AgentProtocol.version, runbookVersion: runbookVersion)
    }

    public static func planned(_ plan: Plan) -> AgentMessage { AgentMessage(kind: "plan", plan: plan) }
    public static func applied(_ outcome: Applier.Outcome) -> AgentMessage { AgentMessage(kind: "applied", outcome: outcome) }
    public static func refused(_ errors: [Diagnostic]) -> AgentMessage { AgentMessage(kind: "errors", errors: errors) }
    public static func exit(_ code: Int32) -> AgentMessage { AgentMessage(kind: "exit", exitCode: code) }
    public static func output(_ text: String, standardError: Bool) -> AgentMessage {
        AgentMessage(kind: "output", text: text, standardError: standardError)
    }
    public static func earlier(_ run: EarlierRun) -> AgentMessage { AgentMessage(kind: "earlier", earlier: run) }
    public static func detached(_ run: String) -> AgentMessage { AgentMessage(kind: "detached", run: run) }
    public static func saved(_ plan: SavedPlan) -> AgentMessage { AgentMessage(kind: "savedPlan", savedPlan: plan) }
    public static func stale(_ items: [String]) -> AgentMessage { AgentMessage(kind: "stale", stale: items) }

    /// The message a line holds; of an `event` line only its kind.
    public static func from(line: Data) throws -> AgentMessage {
        let kind = try JSONDecoder().decode(KindOnly.self, from: line).kind
        return kind == "event" ? AgentMessage(kind: kind) : try JSONDecoder().decode(AgentMessage.self, from: line)
    }

    private struct KindOnly: Decodable { var kind: String }

    /// One line of NDJSON, without its newline.
    public func line() throws -> String {
        String(decoding: try JSONEncoder().encode(self), as: UTF8.self)
    }
}
