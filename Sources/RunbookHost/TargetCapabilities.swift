/// What a target can have done to it besides files: the machine itself runs processes and sets
/// owners; a directory standing in for `/` (`--root`) does neither, as its users are not the
/// running machine's.
public struct TargetCapabilities: OptionSet, Sendable, Hashable {
    public let rawValue: Int
    public init(rawValue: Int) { self.rawValue = rawValue }

    /// Commands run: scripts, package installs, guards, handlers, checks and `validate=`.
    public static let processes = TargetCapabilities(rawValue: 1)
    /// Files get the owner and group a step names.
    public static let ownership = TargetCapabilities(rawValue: 2)

    public static let all: TargetCapabilities = [.processes, .ownership]
}
