import FoundationEssentials
import Glibc
import RunbookModel
import RunbookHost

/// The state directory (`/var/lib/runbook`, mode 0700): the lock, generated secrets, the values
/// given to earlier applies, and snapshots.
///
/// It is runbook's alone. It is opened without following a link (`O_DIRECTORY|O_NOFOLLOW`), and
/// every file in it through its descriptor without following one either. It is refused when it
/// is a link, belongs to another user, or already holds files runbook did not put there: runbook
/// marks a directory it creates with `.runbook-state`, and takes one made by an earlier version
/// when everything in it is runbook's (`snapshots/`, `blobs/`, `lock`, `secrets`, `variables`, and
/// `bin/`, where `--host` puts the runbook binary it ships, which may come before the rest, and
/// `runs/`, where a command over `--host` keeps its answer while it runs detached). Under
/// `--root` the default one is a target path, resolved inside the root like every other.
public struct StateDirectory: Sendable {
    /// Where it is, with how to reach it: `StateLock` and messages take this.
    public let path: StatePath
    public var snapshots: SnapshotStore { SnapshotStore(state: self) }

    package static let marker = ".runbook-state"
    /// The names runbook puts in a state directory; anything else means it is someone else's.
    package static let ownNames: Set<String> = [marker, "snapshots", "blobs", "lock", "secrets", FileSystem.temporaryName(for: "secrets"),
                                                 keptName, FileSystem.temporaryName(for: keptName), "bin", "runs"]
    /// The values given to earlier applies (``KeptVariable``), mode 0600 as every state file.
    package static let keptName = "variables"

    public init(path: StatePath) {
        self.path = path
    }

    /// A state directory at a path on the machine runbook runs on, the way `--state-dir` names it.
    public init(path: String) {
        self.init(path: StatePath(path: path))
    }

    /// Opens the state directory, checked as described above, or returns nil when it does not
    /// exist and `creating` is false. With `creating`, it is made (with its missing parents)
    /// and marked, and set to mode 0700.
    package func open(creating: Bool) throws -> DirectoryHandle? {
        guard let parent = try path.parent(creating: creating) else { return nil }
        var opened = parent.directory.openDirectory(parent.name, flags: O_RDONLY)
        if case .failure(let failure) = opened, failure.code == ENOENT, creating {
            try parent.directory.makeDirectory(parent.name, mode: 0o700, displayPath: path.description)
            opened = parent.directory.openDirectory(parent.name, flags: O_RDONLY)
        }
        let directory: DirectoryHandle
        switch opened {
        case .success(let found): directory = found
        case .failure(let failure) where failure.code == ENOENT: return nil
        case .failure(let failure) where failure.code == ENOTDIR:
            if let target = parent.directory.linkTarget(parent.name) {
                throw refusal("is a symbolic link (to \(target))", hint: "runbook never follows a link to its state; remove the link, or pass --state-dir with a real directory")
            }
            throw refusal("is not a directory", hint: "move it away, or pass --state-dir with another path")
        case .failure(let failure):
            throw Diagnostic("cannot read the state directory \(path): \(String(cString: strerror(failure.code)))",
                             origin: path.origin, hint: "runbook makes it mode 0700, owned by the user it runs as: check what changed it, then chmod 0700 \(path), or pass --state-dir")
        }
        try checkOwnership(directory, creating: creating)
        return directory
    }

    private func checkOwnership(_ directory: DirectoryHandle, creating: Bool) throws {
        let info = try directory.ownStatus(displayPath: path.description)
        guard info.st_uid == UserAccounts.effectiveUID else {
            throw refusal("belongs to \(UserAccounts.name(of: info.st_uid)), not to the user runbook runs as",
                          hint: "another user could change the snapshots and secrets in it; pass --state-dir with a directory of your own")
        }
        guard info.st_mode & 0o022 == 0 else {
            throw refusal("has mode \((UInt32(info.st_mode) & 0o7777).octalMode), so other users could change the snapshots and secrets in it",
                          hint: "check what is in it, then chmod 0700 \(path)")
        }
        if directory.status(Self.marker) == nil {
            let names = try FileSystem().list(DirectoryEntry(directory: directory, name: ".", displayPath: path.description))
            let foreign = names.filter { !Self.ownNames.contains($0) }
            guard foreign.isEmpty else {
                let shown = foreign.prefix(3).joined(separator: ", ") + (foreign.count > 3 ? ", ..." : "")
                throw refusal("already holds files runbook did not make (\(shown))",
                              hint: "runbook makes its state directory private and fills it; pass --state-dir with a new or empty directory")
            }
            if creating {
                try directory.createExclusively(Self.marker, contents: "This directory is runbook's state: its lock, secrets and snapshots.\n",
                                                mode: 0o600, displayPath: path.file(Self.marker))
            }
        }
        if creating, info.st_mode & 0o7777 != 0o700 {
            try directory.setOwnMode(0o700, displayPath: path.description)
        }
    }

    private func refusal(_ problem: String, hint: String) -> Diagnostic {
        Diagnostic("the state directory \(path) \(problem)", origin: path.origin, hint: hint)
    }

    /// A directory in the state directory (or in one of its directories), opened without
    /// following a link; made mode 0700 when missing and `creating`.
    package static func subdirectory(_ name: String, of parent: DirectoryHandle, displayPath: String, creating: Bool) throws -> DirectoryHandle? {
        var opened = parent.openDirectory(name, flags: O_RDONLY)
        if case .failure(let failure) = opened, failure.code == ENOENT, creating {
            try parent.makeDirectory(name, mode: 0o700, displayPath: displayPath)
            opened = parent.openDirectory(name, flags: O_RDONLY)
        }
        switch opened {
        case .success(let directory):
            try StateFile.checkPrivate(try directory.ownStatus(displayPath: displayPath), path: displayPath, directory: true)
            if creating { try directory.setOwnMode(0o700, displayPath: displayPath) }
            return directory
        case .failure(let failure) where failure.code == ENOENT: return nil
        case .failure(let failure) where failure.code == ENOTDIR:
            guard let info = parent.status(name) else { throw HostError(path: displayPath, operation: "inspect", errno: errno) }
            try StateFile.checkPrivate(info, path: displayPath, directory: true)
            throw HostError(path: displayPath, operation: "open", errno: ENOTDIR)
        case .failure(let failure):
            throw HostError(path: displayPath, operation: "open", errno: failure.code)
        }
    }

    /// Opens the state directory, making it when it is missing.
    package func openCreating() throws -> DirectoryHandle {
        guard let directory = try open(creating: true) else {
            throw HostError(path: path.description, operation: "open state directory", reason: "it vanished as it was made")
        }
        return directory
    }

    /// Generated secrets from earlier applies.
    public func storedSecrets() throws -> [String: String] {
        guard let directory = try open(creating: false) else { return [:] }
        let file = StateFile(DirectoryEntry(directory: directory, name: "secrets", displayPath: path.file("secrets")))
        guard file.exists else { return [:] }
        let hint = "restore it from a backup of the state directory; runbook will not guess secrets that services already use. "
            + "Moving it away makes the next apply generate new ones, and replace every file that holds them"
        let secrets = try file.decode([String: String].self, as: "the generated secrets, a JSON object of names and values", hint: hint)
        // Only what generation makes is taken: an empty, short or multi-line value could not be
        // masked, and would be written into files as it is.
        for (name, value) in secrets.sorted(by: { $0.key < $1.key }) where !Self.isGenerated(value) {
            throw StateFile.corrupted(file.path, "holds a value for '\(name)' that runbook never generates "
                                      + "(generated secrets are 32 to 2048 lowercase hexadecimal digits)", hint: hint)
        }
        return secrets
    }

    private static func isGenerated(_ value: String) -> Bool {
        (32...2048).contains(value.utf8.count) && value.utf8.count % 2 == 0 && isLowercaseHexadecimal(value.utf8)
    }

    /// Keeps newly generated secrets, mode 0600, so later applies reuse them.
    public func storeSecrets(_ new: [String: String]) throws {
        guard !new.isEmpty else { return }
        let directory = try openCreating()
        var all = try storedSecrets()
        all.merge(new) { old, _ in old }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try FileSystem().writeAtomically(DirectoryEntry(directory: directory, name: "secrets", displayPath: path.file("secrets")),
                                         data: try encoder.encode(all), mode: 0o600)
    }

    /// The values given to earlier applies, by name.
    public func keptValues() throws -> KeptValues {
        let display = path.file(Self.keptName)
        guard let directory = try open(creating: false) else { return KeptValues(file: display, values: [:]) }
        let file = StateFile(DirectoryEntry(directory: directory, name: Self.keptName, displayPath: display))
        guard file.exists else { return KeptValues(file: display, values: [:]) }
        let hint = "restore it from a backup of the state directory, or move it away: then plans and applies use only the "
            + "values given to them and the defaults, so give every value again"
        let kept = try file.decode([String: KeptVariable].self, as: "the values kept from earlier applies, a JSON object of names", hint: hint)
        for (name, variable) in kept.sorted(by: { $0.key < $1.key }) {
            if !VariableDeclaration.isValidName(name) {
                throw StateFile.corrupted(file.path, "holds a value for \(Diagnostic.shown(name)), which is no variable name", hint: hint)
            }
            // A secret is masked wherever it appears, from the start of every command, before the
            // runbook says what it may be: one that could not be masked is never taken.
            if variable.secret, !Self.isMaskable(variable.value) {
                throw StateFile.corrupted(file.path, "holds a secret for '\(name)' that could not be masked in output "
                                          + "(it is empty, or holds a line break or another control character)", hint: hint)
            }
            if let snapshot = variable.snapshot, snapshot < 1 {
                throw StateFile.corrupted(file.path, "says '\(name)' was kept by snapshot \(snapshot), which no apply records", hint: hint)
            }
        }
        return KeptValues(file: display, values: kept)
    }

    private static func isMaskable(_ value: String) -> Bool {
        !value.isEmpty && !value.unicodeScalars.contains { $0.value < 0x20 || $0.value == 0x7F || (0x80...0x9F).contains($0.value) }
    }

    /// Keeps the values given to an apply that succeeded, replacing earlier ones; a value that is
    /// kept already stays as it was, with the apply that first gave it.
    public func keep(_ given: [String: String], secrets: Set<String>, snapshot: Int?) throws {
        let before = try keptValues().values
        var all = before
        let keptAt = Clock.timestamp()
        for (name, value) in given where all[name]?.value != value {
            all[name] = KeptVariable(value: value, secret: secrets.contains(name), snapshot: snapshot, keptAt: keptAt)
        }
        guard all != before else { return }
        try writeKept(all, into: try openCreating())
    }

    /// Drops kept values; returns what was dropped.
    public func forget(_ names: [String]) throws -> [String: KeptVariable] {
        var all = try keptValues().values
        var dropped: [String: KeptVariable] = [:]
        for name in names {
            if let value = all.removeValue(forKey: name) { dropped[name] = value }
        }
        guard !dropped.isEmpty, let directory = try open(creating: false) else { return dropped }
        try writeKept(all, into: directory)
        return dropped
    }

    private func writeKept(_ values: [String: KeptVariable], into directory: DirectoryHandle) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        try FileSystem().writeAtomically(DirectoryEntry(directory: directory, name: Self.keptName, displayPath: path.file(Self.keptName)),
                                         data: try encoder.encode(values), mode: 0o600)
    }
}
