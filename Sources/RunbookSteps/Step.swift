import FoundationEssentials
import Glibc
import RunbookModel
import RunbookHost

/// A step that observes the system and returns the changes it would make.
///
/// The file, link, absent, package and run steps. `plan(in:)` only reads; the applier carries
/// out the returned ``Change``s, and what the target cannot have done is the engine's to skip.
public protocol ChangingStep: Sendable {
    var info: StepInfo { get }
    var notifies: [String] { get }
    /// The paths it manages, with what it wants of each: what conflicts between steps, the state
    /// directory's guard and a saved plan's preconditions go by.
    var managedPaths: [ManagedPath] { get }
    /// Whether what it writes may hold a secret: never diffed, and kept out of snapshots' sight.
    var isSensitive: Bool { get }
    func plan(in view: SystemView) throws -> StepPlan
}

/// A read-only assertion that runs after a chapter's changes and handlers.
public protocol VerifyingStep: Sendable {
    var info: StepInfo { get }
    var retries: Int { get }
    var delay: Double { get }
    /// What a reviewer must see to approve it: the whole script, or the whole request.
    var wholeScript: String { get }
    /// nil when the assertion holds; otherwise what went wrong, with the command's output.
    func verify(on host: any HostFacts) throws -> String?
}

/// A step of a runbook with its variables applied, sorted by role.
public enum RunbookStep: Sendable {
    case changing(any ChangingStep)
    case handler(HandlerStep)
    case check(any VerifyingStep)

    public var info: StepInfo {
        switch self {
        case .changing(let step): step.info
        case .handler(let step): step.info
        case .check(let step): step.info
        }
    }

    /// Builds the typed step for a block, or nil when its `when` is false (unless `ignoringWhen`,
    /// which builds it anyway so that `check` validates every step, whatever the variables).
    public static func make(_ block: StepBlock, variables: ResolvedVariables, registry: StepRegistry,
                            ignoringWhen: Bool = false) throws -> RunbookStep? {
        let source = StepSource(block: block, variables: variables)
        if let when = block.word("when"), let text = when.value {
            let condition = try StepCondition(parsing: text, at: when.location)
            if let declaration = variables.declarations[condition.variable], let allowed = declaration.allowedValues,
               !allowed.contains(condition.value) {
                throw Diagnostic("when= compares '\(condition.variable)' with '\(condition.value)', but '\(condition.variable)' must be one of \(allowed.joined(separator: ", "))",
                                 at: when.location, hint: "see its declaration at \(declaration.location)")
            }
            guard try condition.holds(in: variables, at: when.location) || ignoringWhen else { return nil }
        }
        return try registry.definition(of: block.kind)?.make(source)
    }

    /// The `when` of a block, for reporting a skipped step; nil when it has none.
    public static func condition(of block: StepBlock) -> String? { block.value("when") }
}

extension SystemView {
    /// Parent directories of `path` that do not exist yet, outermost first. The nearest one that
    /// exists must be a directory, or a link to one: a plan that says "create" under a file or a
    /// dangling link would only fail at apply.
    package func missingParents(of path: String) throws -> [String] {
        var missing: [String] = []
        var parent = path.parentDirectory
        while parent != "/" && !parent.isEmpty {
            if let existing = try status(parent) {
                try requireDirectory(parent, existing, for: path)
                break
            }
            missing.insert(parent, at: 0)
            parent = parent.parentDirectory
        }
        return missing
    }

    private func requireDirectory(_ ancestor: String, _ found: FileStatus, for path: String) throws {
        var current = found, name = ancestor
        for _ in 0..<40 {
            // `run creates=DIR` makes a directory as often as a file: the plan can't tell, apply will.
            if madeByCommand(name) { return }
            switch current.kind {
            case .directory: return
            case .symlink:
                let target = current.linkTarget ?? ""
                let next = target.hasPrefix("/") ? target : name.parentDirectory + "/" + target
                guard let followed = try status(next) else {
                    throw HostError(path: path, operation: "create", reason: "\(ancestor) is a link to \(target), which does not exist",
                                    hint: "create \(target) first, or fix the link")
                }
                current = followed
                name = next
            case .file, .other:
                throw HostError(path: path, operation: "create", reason: "\(name) is a \(current.kind == .file ? "file" : "special file"), not a directory",
                                hint: "remove it, or choose another path")
            }
        }
        throw HostError(path: path, operation: "create", reason: "the links on its way form a loop", hint: "fix one of the links")
    }

    /// "03-nginx/1 installs nginx, openssl, curl first", when a package install is pending: files a
    /// package brings may appear before this step runs.
    package func pendingInstallSummary() -> String? {
        guard let last = pendingPackages.last else { return nil }
        let names = pendingPackages.filter { $0.stepID == last.stepID }.map(\.name).joined(separator: ", ")
        return "\(last.stepID) installs \(names) first"
    }
}
