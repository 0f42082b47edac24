import FoundationEssentials
import Glibc
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookHost

/// A plan saved by `runbook plan --out FILE` for a reviewer to approve, and for `runbook apply
/// FILE` to carry out exactly: the plan value, masked, and everything it was computed from.
///
/// It holds no secret: every string of the plan is masked, and a secret is known only by a
/// salted SHA-256 (salted with the plan's id, so two plans of one key do not match each other).
/// The file content a write would make is not in it at all; `apply FILE` plans again and
/// refuses when the result differs from this (``PlanStaleness``).
public struct SavedPlan: Sendable, Codable, Equatable {
    /// Major.minor, as for the plan JSON: a new major version is a break.
    public static let formatVersion = "1.0"
    public static let format = "runbook saved plan"

    /// The machine or the directory the plan observed.
    public struct TargetIdentity: Sendable, Codable, Equatable {
        /// `/` for the live host, or `--root DIR` with the directory's real path.
        public var host: String
        /// The target's /etc/machine-id and /etc/hostname, when it has them.
        public var machineID: String?
        public var hostname: String?
        /// The state directory's absolute path: where the snapshot that applies the plan goes.
        public var stateDirectory: String
    }

    public var format: String
    public var formatVersion: String
    public var runbookVersion: String
    /// 32 hexadecimal digits, recorded in the snapshot of the apply that carries it out.
    public var id: String
    public var createdAt: String
    /// The runbook folder's absolute path.
    public var runbookDirectory: String
    /// Each chapter's file name and the SHA-256 of its bytes.
    public var chapters: [String: String]
    public var target: TargetIdentity
    public var selection: Selection
    /// For each secret with a value, the SHA-256 of the plan's id, a NUL byte and the value.
    public var secretDigests: [String: String]
    public var plan: Plan

    public struct Selection: Sendable, Codable, Equatable {
        public var chapters: [String]
        public var only: [String]

        public var stepSelection: StepSelection { StepSelection(chapters: Set(chapters), only: Set(only)) }
    }

    /// The saved form of `plan`, made for `host` from `prepared`. Every string is masked by `redactor`.
    public static func make(_ plan: Plan, id: String, prepared: PreparedRunbook, host: any Host, stateDirectory: String,
                            selection: StepSelection, runbookVersion: String, redactor: Redactor) throws -> SavedPlan {
        let variables = prepared.variables
        var digests: [String: String] = [:]
        for declaration in variables.declarations.values where declaration.isSecret {
            guard variables.pendingGenerated[declaration.name] == nil, let value = variables.values[declaration.name] else { continue }
            digests[declaration.name] = secretDigest(value, salt: id)
        }
        return SavedPlan(
            format: format, formatVersion: formatVersion, runbookVersion: runbookVersion, id: id, createdAt: Clock.timestamp(),
            runbookDirectory: absolute(prepared.runbook.directory), chapters: prepared.runbook.chapterDigests,
            target: try identity(of: host, stateDirectory: stateDirectory),
            selection: Selection(chapters: selection.chapters.sorted(), only: selection.only.sorted()),
            secretDigests: digests, plan: try masked(plan, by: redactor))
    }

    public static func newID() -> String { Randomness.hex(bytes: 16) }

    package static func secretDigest(_ value: String, salt: String) -> String {
        SHA256.hex(Data(salt.utf8) + Data([0]) + Data(value.utf8))
    }

    /// The plan with every string masked: through its JSON form, where the redactor also finds a
    /// secret's escaped spelling.
    package static func masked(_ plan: Plan, by redactor: Redactor) throws -> Plan {
        let text = redactor.redact(String(decoding: try JSONEncoder().encode(plan), as: UTF8.self))
        return try JSONDecoder().decode(Plan.self, from: Data(text.utf8))
    }

    package static func identity(of host: any HostFacts, stateDirectory: String) throws -> TargetIdentity {
        func firstLine(_ path: String) -> String? {
            guard let data = try? host.read(path) else { return nil }
            let line = String(decoding: data, as: UTF8.self).lines().first?.trimmingBlanks() ?? ""
            return line.isEmpty ? nil : line
        }
        var root = try host.realPath("/")
        while root.count > 1 && root.hasSuffix("/") { root.removeLast() }
        // A sandbox is named by where it really is, so the same one reached another way is the same target.
        let shown = host.capabilities == .all ? host.displayName : "--root \(root)"
        return TargetIdentity(host: shown, machineID: firstLine("/etc/machine-id"), hostname: firstLine("/etc/hostname"),
                              stateDirectory: absolute(stateDirectory))
    }

    package static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    /// The file's text: pretty, with sorted keys, so that a reviewer can diff two plans.
    public func encoded() throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return try encoder.encode(self) + Data("\n".utf8)
    }

    /// Reads a saved plan; anything else is refused with the file and what is wrong with it.
    public static func read(_ path: String) throws -> SavedPlan {
        let hint = "make a plan file with `runbook plan --out \(path)`"
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Diagnostic("cannot read the saved plan \(path)", origin: path, hint: "check the path and its permissions; " + hint)
        }
        let saved: SavedPlan
        do {
            saved = try JSONDecoder().decode(SavedPlan.self, from: data)
        } catch let error as DecodingError {
            throw Diagnostic("\(path.baseName) is not a saved plan: \(StateFile.describe(error, in: data))", origin: path, hint: hint)
        }
        try saved.check(in: path)
        return saved
    }

    /// What `read` checks of a plan however it came: its format, its version and its id.
    public func check(in path: String) throws {
        let hint = "make a plan file with `runbook plan --out \(path)`"
        let saved = self
        guard saved.format == Self.format else {
            throw Diagnostic("\(path.baseName) is not a saved plan: its format is '\(saved.format)'", origin: path, hint: hint)
        }
        guard saved.formatVersion.split(separator: ".").first == Self.formatVersion.split(separator: ".").first else {
            throw Diagnostic("\(path.baseName) is a saved plan of format \(saved.formatVersion), which this runbook (format \(Self.formatVersion)) cannot read",
                             origin: path, hint: "apply it with the runbook that made it (\(saved.runbookVersion)), or plan again")
        }
        guard saved.id.utf8.count == 32, isLowercaseHexadecimal(saved.id.utf8) else {
            throw Diagnostic("\(path.baseName) is not a saved plan: its id '\(Diagnostic.shown(saved.id, quoted: false))' is not one runbook makes",
                             origin: path, hint: hint)
        }
    }
}
