import FoundationEssentials
import Glibc

/// The machine `runbook` runs on, paths as they are. What an operator uses with root.
public struct LiveHost: Host {
    private let fileSystem = FileSystem()
    private let launcher = ProcessLauncher()

    public init() {}

    public var displayName: String { "/" }
    public var runsProcesses: Bool { true }
    public var managesOwnership: Bool { true }

    public func status(_ path: String) throws -> FileStatus? { try fileSystem.status(real: path, displayPath: path) }
    public func read(_ path: String) throws -> Data { try fileSystem.read(real: path, displayPath: path) }
    public func list(_ path: String) throws -> [String] { try fileSystem.list(real: path, displayPath: path) }
    public func writeAtomically(_ path: String, data: Data, mode: UInt32) throws {
        try fileSystem.writeAtomically(real: path, displayPath: path, data: data, mode: mode)
    }
    public func makeDirectory(_ path: String, mode: UInt32) throws {
        try fileSystem.makeDirectory(real: path, displayPath: path, mode: mode)
    }
    public func makeSymlink(_ path: String, target: String) throws {
        try fileSystem.makeSymlink(real: path, displayPath: path, target: target)
    }
    public func remove(_ path: String) throws { try fileSystem.remove(real: path, displayPath: path) }
    public func setMode(_ path: String, mode: UInt32) throws { try fileSystem.setMode(real: path, displayPath: path, mode: mode) }
    public func setOwner(_ path: String, uid: UInt32, gid: UInt32) throws {
        try fileSystem.setOwner(real: path, displayPath: path, uid: uid, gid: gid)
    }
    public func userID(named name: String) -> UInt32? {
        if let number = UInt32(name) { return number }
        return getpwnam(name).map { $0.pointee.pw_uid }
    }
    public func groupID(named name: String) -> UInt32? {
        if let number = UInt32(name) { return number }
        return getgrnam(name).map { $0.pointee.gr_gid }
    }
    public func run(_ command: ShellCommand) throws -> ProcessResult { try launcher.run(command) }
}
