import FoundationEssentials
import Glibc

/// What steps and checks may use of the target while they observe it: reads, and commands that
/// only look (guards, checks). Nothing here changes a file; steps are handed only this, so a step
/// that tried to write while planning would not compile.
///
/// Paths are always the target system's absolute paths (`/etc/nginx/nginx.conf`). A ``LiveHost``
/// uses them as they are; a ``RootedHost`` puts them under a directory, which is how
/// `runbook apply --root /tmp/sandbox` writes the whole runbook without root.
public protocol HostFacts: Sendable {
    /// A description for messages, like `"/"` or `"--root /tmp/sandbox"`.
    var displayName: String { get }
    /// What the target can have done besides files; the engine's ``TargetPolicy`` skips the rest.
    var capabilities: TargetCapabilities { get }
    /// True when recorded numeric owners are put back on rollback: also under `--root` when
    /// running as root, where a uid needs no name to be restored.
    var restoresOwnership: Bool { get }

    /// Where `path` is on the machine runbook runs on, the directories on the way resolved and the
    /// last component not followed: what tells two spellings of one place apart.
    func realPath(_ path: String) throws -> String
    func status(_ path: String) throws -> FileStatus?
    func read(_ path: String) throws -> Data
    func list(_ path: String) throws -> [String]
    func userID(named name: String) -> UInt32?
    func groupID(named name: String) -> UInt32?
    /// Runs a command. For a step's guard or a check it must only look; the executor alone runs
    /// the scripts that change things.
    func run(_ command: ShellCommand) throws -> ProcessResult
}

/// The one boundary that touches the OS: ``HostFacts`` and the changes that only the executor,
/// the restorer and the state directory make: files, links, modes and owners.
public protocol Host: HostFacts {
    /// Writes through a temporary file in the same directory, fsync and rename, so a reader sees
    /// the old content or the new one, never half of it.
    func writeAtomically(_ path: String, data: Data, mode: UInt32) throws
    func makeDirectory(_ path: String, mode: UInt32) throws
    func makeSymlink(_ path: String, target: String) throws
    /// Removes a file, a link or an empty directory.
    func remove(_ path: String) throws
    func setMode(_ path: String, mode: UInt32) throws
    func setOwner(_ path: String, uid: UInt32, gid: UInt32) throws
}
