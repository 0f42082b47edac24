import FoundationEssentials
import Glibc
import RunbookModel
import RunbookHost

/// What a step may look at while it plans: the target's files and packages, read-only.
///
/// During `plan` the view also answers for changes that earlier steps will make (a file an
/// earlier step writes reads as its new content), so a step can plan on that assumption and
/// say so through ``pendingProvider(of:)``.
public protocol SystemView {
    var host: any HostFacts { get }
    func status(_ path: String) throws -> FileStatus?
    func read(_ path: String) throws -> Data
    func isInstalled(package: String) throws -> Bool
    /// The target's user and group ids, by name; nil when there is no such account.
    func userID(named name: String) -> UInt32?
    func groupID(named name: String) -> UInt32?
    /// Runs a guard, which only looks; nil when the target runs no commands.
    func evaluate(_ command: ShellCommand) throws -> ProcessResult?
    /// The id of an earlier step that will create or change `path`, if one is pending.
    func pendingProvider(of path: String) -> String?
    /// Any pending package installs, for explaining a command that is not there yet.
    var pendingPackages: [(name: String, stepID: String)] { get }
    /// Whether a snapshot recorded the file at `path` as holding a secret: its content is never
    /// diffed, even when no secret the runbook knows now is in it (a rotated or lost key).
    func heldSecret(_ path: String) -> Bool
    /// Whether a pending command (a `run` with `creates=`) will make `path`: what it makes is
    /// unknown, a file or a directory.
    func madeByCommand(_ path: String) -> Bool
}
