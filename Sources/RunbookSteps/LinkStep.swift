import RunbookModel
import RunbookHost

/// `link=PATH to=TARGET`: a symbolic link. The body shows the `ln -s` a reader would type.
///
/// ````
/// ```sh link=/etc/nginx/sites-enabled/inference to=/etc/nginx/sites-available/inference notify=reload-nginx
/// ln -s /etc/nginx/sites-available/inference /etc/nginx/sites-enabled/inference
/// ```
/// ````
public struct LinkStep: ChangingStep {
    package static let definition = StepDefinition(
        StepDescription(kind: StepKind("link"), marker: "link", markerValue: "PATH", attributes: ["to", "notify"],
                        purpose: "a symbolic link to `to=TARGET`", placeNamedInProse: true)
    ) { .changing(try LinkStep($0)) }

    public let info: StepInfo
    public let path: String
    public let target: String
    public let notifies: [String]

    package init(_ source: StepSource) throws {
        path = try source.path("link")!
        try source.refuseSecret(in: "to")
        guard let target = try source.string("to"), !target.isEmpty else {
            throw Diagnostic("a link step needs to=TARGET", at: source.block.location, hint: "for example to=/etc/nginx/sites-available/inference")
        }
        self.target = target
        info = source.info("link \(path) -> \(target)")
        notifies = try source.list("notify")
        let expected = "ln -s \(target) \(path)"
        guard let words = ShownCommand.words(try source.body()), words.first == "ln",
              let options = Optional(words.dropFirst().filter { $0.hasPrefix("-") }),
              options.allSatisfy({ ["-s", "-sf", "-sfn", "-fs", "-nsf", "-f", "-n"].contains($0) }),
              options.contains(where: { $0.contains("s") }),
              words.dropFirst().filter({ !$0.hasPrefix("-") }) == [target, path] else {
            throw ShownCommand.mismatch(source.block, expected: expected)
        }
    }

    public var managedPaths: [ManagedPath] { [ManagedPath(path: path, attribute: "link", claim: .exactly("link:\(target)"))] }
    public var isSensitive: Bool { false }

    public func plan(in view: SystemView) throws -> StepPlan {
        let existing = try view.status(path)
        switch existing?.kind {
        case nil:
            let parents = try view.missingParents(of: path)
            return StepPlan(step: info, outcome: .change,
                            changes: parents.map { .makeDirectory(path: $0, mode: 0o755) } + [.makeLink(path: path, target: target)],
                            notifies: notifies)
        case .symlink where existing?.linkTarget == target:
            return StepPlan(step: info, outcome: .unchanged("\(path) already links to \(target)"), notifies: notifies)
        case .symlink:
            return StepPlan(step: info, outcome: .change, changes: [.makeLink(path: path, target: target)], notifies: notifies)
        case .file:
            return StepPlan(step: info, outcome: .change, changes: [.remove(path: path), .makeLink(path: path, target: target)],
                            notifies: notifies)
        case .directory, .other:
            throw Diagnostic("\(path) is a directory, not a link", at: info.location, hint: "remove it by hand, or point link= elsewhere")
        }
    }
}
