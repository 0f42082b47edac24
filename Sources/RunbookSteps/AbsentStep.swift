import RunbookModel
import RunbookHost

/// `absent=PATH`: nothing may be at PATH. The body shows the `rm` a reader would type.
///
/// ````
/// ```sh absent=/etc/nginx/sites-enabled/default notify=reload-nginx
/// rm /etc/nginx/sites-enabled/default
/// ```
/// ````
/// A directory goes with everything in it; the snapshot keeps all of it.
public struct AbsentStep: ChangingStep {
    package static let definition = StepDefinition(
        StepDescription(kind: StepKind("absent"), marker: "absent", markerValue: "PATH", attributes: ["notify"],
                        purpose: "nothing at the path: a file, link or directory there is removed")
    ) { .changing(try AbsentStep($0)) }

    public let info: StepInfo
    public let path: String
    public let notifies: [String]

    package init(_ source: StepSource) throws {
        path = try source.path("absent")!
        guard path != "/" else {
            throw Diagnostic("absent=/ would remove everything", at: source.location("absent"), hint: "name what should not exist")
        }
        info = source.info("absent \(path)")
        notifies = try source.list("notify")
        guard let words = ShownCommand.words(try source.body()), words.first == "rm",
              words.dropFirst().filter({ $0.hasPrefix("-") }).allSatisfy({ ["-f", "-r", "-rf", "-fr", "-R", "-Rf"].contains($0) }),
              words.dropFirst().filter({ !$0.hasPrefix("-") }) == [path] else {
            throw ShownCommand.mismatch(source.block, expected: "rm \(path)")
        }
    }

    public var managedPaths: [ManagedPath] { [ManagedPath(path: path, attribute: "absent", claim: .nothing)] }
    public var isSensitive: Bool { false }

    public func plan(in view: SystemView) throws -> StepPlan {
        guard let existing = try view.status(path) else {
            // A package installed earlier in this apply may bring the path along (nginx's default site does).
            let notes = view.pendingInstallSummary().map { ["\($0); if that creates \(path), apply removes it"] } ?? []
            return StepPlan(step: info, outcome: .unchanged("\(path) is already absent"), notes: notes, notifies: notifies)
        }
        if let special = try specialFile(at: path, kind: existing.kind, on: view.host) {
            throw Diagnostic("absent=\(path) would remove \(special), a special file (a FIFO, socket or device) that a "
                             + "snapshot cannot keep, so a rollback could not bring it back", at: info.location,
                             hint: "remove it by hand if it should go, then apply again")
        }
        return StepPlan(step: info, outcome: .change, changes: [.remove(path: path)], notifies: notifies)
    }

    /// The first special file at or under `path`: the removal would take it along, links not followed.
    private func specialFile(at path: String, kind: FileStatus.Kind, on host: any HostFacts) throws -> String? {
        switch kind {
        case .other: return path
        case .directory:
            for name in try host.list(path) {
                let child = "\(path)/\(name)"
                guard let status = try host.status(child) else { continue }
                if let found = try specialFile(at: child, kind: status.kind, on: host) { return found }
            }
            return nil
        case .file, .symlink: return nil
        }
    }
}
