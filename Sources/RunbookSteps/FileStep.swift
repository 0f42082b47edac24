import FoundationEssentials
import Glibc
import RunbookModel
import RunbookHost

/// `file=PATH`: a file with exactly the block's body as its content.
///
/// ````
/// ```ini file=/etc/systemd/system/ollama.service.d/10-bind-localhost.conf mode=0644 notify=restart-ollama
/// [Service]
/// Environment="OLLAMA_HOST={{ollama_listen}}"
/// ```
/// ````
/// Plans a write when the content differs (with a unified diff), and a mode or owner change
/// when only those differ. Missing parent directories are created.
public struct FileStep: ChangingStep {
    package static let definition = StepDefinition(
        StepDescription(kind: StepKind("file"), marker: "file", markerValue: "PATH",
                        attributes: ["mode", "owner", "group", "notify", "validate", "timeout"],
                        purpose: "a file with exactly the block's body as its content", placeNamedInProse: true)
    ) { .changing(try FileStep($0)) }

    public let info: StepInfo
    public let path: String
    public let content: String
    public let mode: UInt32?
    public let owner: String?
    public let group: String?
    public let validate: String?
    public let timeout: Int
    public let notifies: [String]
    /// True when the content holds a secret: the default mode is then 0600, and it is never diffed.
    public let isSensitive: Bool
    /// Every secret value the runbook knows now, to recognise one in the file as it is.
    private let secretValues: [String]
    /// Secrets in the content that this run would generate: replacing a file that holds another
    /// key with one of them is a rotation nobody asked for, and the plan says so.
    private let generatedHere: [String]

    package init(_ source: StepSource) throws {
        path = try source.path("file")!
        info = source.info("file \(path)")
        let body = try source.body()
        content = body
        if let text = try source.string("mode") {
            guard let parsed = UInt32(text, radix: 8), parsed <= 0o7777, text.count >= 3 else {
                throw Diagnostic("mode= takes octal permissions like 0644, not '\(text)'", at: source.location("mode"),
                                 hint: "write mode=0644 or mode=0600")
            }
            mode = parsed
        } else {
            mode = nil
        }
        owner = try source.string("owner")
        group = try source.string("group")
        validate = try source.string("validate")
        timeout = try source.timeout()
        notifies = try source.list("notify")
        secretValues = source.variables.secretValues
        let referenced = Set(Template.placeholders(in: source.block.body).map(\.name))
        let secretNames = referenced.filter { source.variables.declarations[$0]?.isSecret == true }
        isSensitive = !secretNames.isEmpty || secretValues.contains { body.utf8Offset(of: $0) != nil }
        generatedHere = secretNames.filter { source.variables.pendingGenerated[$0] != nil }.sorted()
    }

    public var managedPaths: [ManagedPath] {
        [ManagedPath(path: path, attribute: "file", claim: .exactly("file:\(content)|\(mode.map(String.init) ?? "")"))]
    }

    /// Whether the file as it is now holds a secret, by what the snapshots recorded or by content.
    private func heldSecret(_ content: Data, in view: SystemView) -> Bool {
        guard !view.heldSecret(path) else { return true }
        let text = String(decoding: content, as: UTF8.self)
        return secretValues.contains { text.utf8Offset(of: $0) != nil }
    }

    /// The mode the file must have: as declared, else 0600 for a file holding a secret, whatever
    /// mode an older file or a replaced link had; nil leaves an ordinary file's mode alone.
    package var wantedMode: UInt32? { mode ?? (isSensitive ? 0o600 : nil) }

    public func plan(in view: SystemView) throws -> StepPlan {
        let wanted = content.utf8Data
        let mode = wantedMode
        let existing = try view.status(path)
        var changes: [Change] = []
        var notes: [String] = []
        var diff: String?
        var withheld: WithheldDiff?
        var currentMode: UInt32?
        switch existing?.kind {
        case nil:
            let parents = try view.missingParents(of: path)
            changes += parents.map { .makeDirectory(path: $0, mode: 0o755) }
            if let first = parents.first, let installs = view.pendingInstallSummary() {
                notes.append("\(installs), which may create \(first)")
            }
            changes.append(.writeFile(path: path, content: wanted, mode: mode ?? 0o644))
            if isSensitive {
                withheld = UnifiedDiff.withheldSize(old: nil, new: wanted)
            } else {
                diff = UnifiedDiff.make(old: "", new: content, oldLabel: "/dev/null", newLabel: path)
            }
        case .file:
            let old = try view.read(path)
            currentMode = existing?.mode
            if old != wanted {
                let newMode = mode ?? existing!.mode
                changes.append(.writeFile(path: path, content: wanted, mode: newMode))
                if isSensitive || heldSecret(old, in: view) {
                    withheld = UnifiedDiff.withheldSize(old: old, new: wanted)
                } else {
                    diff = UnifiedDiff.make(old: String(decoding: old, as: UTF8.self), new: content,
                                            oldLabel: path, newLabel: "\(path) (planned)")
                }
                if !generatedHere.isEmpty {
                    let names = generatedHere.joined(separator: ", ")
                    notes.append("the state directory keeps no value for \(names), so apply would generate a new one and "
                        + "replace what \(path) holds now: clients using the current key would be refused. To keep it, "
                        + "give it in a vars file (\(generatedHere[0])=...); to rotate it, apply as planned")
                }
                currentMode = newMode
            }
        case .symlink:
            changes += [.remove(path: path), .writeFile(path: path, content: wanted, mode: mode ?? 0o644)]
            if isSensitive {
                withheld = UnifiedDiff.withheldSize(old: nil, new: wanted)
            } else {
                diff = UnifiedDiff.make(old: "", new: content, oldLabel: "/dev/null", newLabel: path)
            }
        case .directory, .other:
            throw Diagnostic("\(path) is a \(existing!.kind == .directory ? "directory" : "special file"), not a file",
                             at: info.location, hint: "remove it by hand, or point file= elsewhere")
        }
        if let currentMode, let mode, currentMode != mode {
            changes.append(.setMode(path: path, mode: mode))
        }
        if owner != nil || group != nil {
            let (ownership, note) = try wantedOwnership(view)
            if let note { notes.append(note) }
            if let (uid, gid) = ownership, existing == nil || existing?.uid != uid || existing?.gid != gid {
                changes.append(.setOwner(path: path, uid: uid, gid: gid))
            }
        }
        guard !changes.isEmpty else {
            return StepPlan(step: info, outcome: .unchanged("content, mode and owner already match"), notes: notes,
                            notifies: notifies)
        }
        return StepPlan(step: info, outcome: .change, changes: changes, diff: diff, withheldDiff: withheld, notes: notes,
                        notifies: notifies, validation: validate.map { ShellCommand(script: $0, timeout: timeout) })
    }

    private func wantedOwnership(_ view: SystemView) throws -> ((UInt32, UInt32)?, String?) {
        let current = try view.status(path)
        var uid = current?.uid ?? 0
        var gid = current?.gid ?? 0
        for (name, isUser) in [(owner, true), (group, false)] {
            guard let name else { continue }
            let id = isUser ? view.userID(named: name) : view.groupID(named: name)
            guard let id else {
                if let installer = view.pendingPackages.first {
                    return (nil, "\(isUser ? "user" : "group") \(name) does not exist yet; \(installer.stepID) installs \(installer.name), which may add it")
                }
                throw Diagnostic("\(isUser ? "user" : "group") '\(name)' does not exist on this system", at: info.location,
                                 hint: "create it first, or change \(isUser ? "owner" : "group")=")
            }
            if isUser { uid = id } else { gid = id }
        }
        return ((uid, gid), nil)
    }
}
