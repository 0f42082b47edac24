import FoundationEssentials
import Glibc
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookHost

/// The system as it will be once earlier steps' pending changes are made: what `plan` shows
/// each step, so that a step after "create /etc/nginx/conf.d" does not plan to create it again.
///
/// With nothing pending it is simply the system as it is, which is how `apply` observes.
package final class PlanningView: SystemView {
    package enum Pending {
        case file(Data, mode: UInt32)
        case directory
        case link(String)
        case absent
        /// Made by a command (a `run` with `creates=`): it will exist, its content is unknown.
        case createdByCommand
    }

    package let host: any HostFacts
    private let sensitivePaths: Set<String>
    private var pending: [String: (state: Pending, stepID: String)] = [:]
    private var installing: [(name: String, stepID: String)] = []
    private var packages: InstalledPackages?

    package let policy: TargetPolicy

    package init(host: any HostFacts, sensitivePaths: Set<String> = []) {
        self.host = host
        self.sensitivePaths = sensitivePaths
        policy = TargetPolicy(host: host)
    }

    /// What `step` would do here, as this target can carry it out (``TargetPolicy``), with its
    /// changes as data and the paths it manages as observed; a failure at the OS boundary is
    /// reported at the step that met it.
    package func observe(_ step: any ChangingStep) throws -> StepPlan {
        do {
            let wanted = try step.plan(in: self)
            var plan = policy.admit(wanted)
            plan.planned = try PlannedChange.planned(plan.hasChanges ? plan.changes : wanted.changes, in: self)
            plan.observed = try step.managedPaths.map { StepPlan.ObservedPath(path: $0.path, state: try PlannedChange.observe($0.path, in: self)) }
            return plan
        } catch let error as HostError {
            throw Diagnostic(error.description, at: step.info.location, hint: error.hint ?? "check the path and its permissions")
        }
    }

    package func heldSecret(_ path: String) -> Bool { sensitivePaths.contains(path) }

    package func madeByCommand(_ path: String) -> Bool {
        if case .createdByCommand? = pending[path]?.state { return true }
        return false
    }

    package func status(_ path: String) throws -> FileStatus? {
        let path = try throughPendingLinks(path)
        if let entry = pendingEntry(path) {
            switch entry.state {
            case .file(let data, let mode): return FileStatus(kind: .file, mode: mode, size: Int64(data.count))
            case .directory: return FileStatus(kind: .directory, mode: 0o755)
            case .link(let target): return FileStatus(kind: .symlink, mode: 0o777, linkTarget: target)
            case .absent: return nil
            case .createdByCommand: return FileStatus(kind: .file, mode: 0o644)
            }
        }
        return try host.status(path)
    }

    package func read(_ path: String) throws -> Data {
        let path = try throughPendingLinks(path)
        if let entry = pendingEntry(path) {
            if case .file(let data, _) = entry.state { return data }
            return Data()
        }
        return try host.read(path)
    }

    package func isInstalled(package: String) throws -> Bool {
        if packages == nil { packages = try InstalledPackages(host: host) }
        return packages!.contains(package) || pendingInstaller(of: package) != nil
    }

    /// On a target that sets no owners, a name needs no account there: the owner change it would
    /// give is left out whatever the id (``TargetPolicy``), so a sandbox rehearses a runbook whose
    /// users only its packages bring.
    package func userID(named name: String) -> UInt32? {
        host.userID(named: name) ?? (policy.setsOwners ? nil : Self.ownerNeverSet)
    }

    package func groupID(named name: String) -> UInt32? {
        host.groupID(named: name) ?? (policy.setsOwners ? nil : Self.ownerNeverSet)
    }

    private static let ownerNeverSet = UInt32.max

    package func evaluate(_ command: ShellCommand) throws -> ProcessResult? {
        guard policy.runsCommands else { return nil }
        return try host.run(command)
    }

    package func pendingProvider(of path: String) -> String? {
        guard let entry = pendingEntry(path) else { return nil }
        if case .absent = entry.state { return nil }
        return entry.stepID
    }

    private func pendingInstaller(of package: String) -> String? {
        installing.first { $0.name == package }?.stepID
    }

    package var pendingPackages: [(name: String, stepID: String)] { installing }

    /// `path` as the kernel will resolve it once the pending links exist: a step after
    /// `link=/etc/l to=/etc/real` that writes `/etc/l/x` writes `/etc/real/x`, and must plan against
    /// what is there. The host resolves links that already exist itself.
    package func throughPendingLinks(_ path: String) throws -> String {
        guard pending.contains(where: { if case .link = $0.value.state { true } else { false } }) else { return path }
        var resolved = path
        var followed = 0
        var ancestor = resolved.parentDirectory
        while ancestor != "/", !ancestor.isEmpty {
            if case .link(let target)? = pending[ancestor]?.state {
                followed += 1
                guard followed <= 40 else {
                    throw HostError(path: path, operation: "use", reason: "the links planned on its way form a loop")
                }
                let base = target.hasPrefix("/") ? target : ancestor.parentDirectory + "/" + target
                resolved = base + resolved.dropFirst(ancestor.count)
                ancestor = resolved.parentDirectory
                continue
            }
            ancestor = ancestor.parentDirectory
        }
        return resolved
    }

    /// The entry for a path, or `.absent` when a pending removal takes an ancestor with it.
    private func pendingEntry(_ path: String) -> (state: Pending, stepID: String)? {
        guard !pending.isEmpty else { return nil }
        if let entry = pending[path] { return entry }
        var ancestor = path.parentDirectory
        while ancestor != "/" && !ancestor.isEmpty {
            if let entry = pending[ancestor], case .absent = entry.state { return entry }
            ancestor = ancestor.parentDirectory
        }
        return nil
    }

    /// Takes in what a planned step will do, for the steps after it.
    package func assume(_ plan: StepPlan) {
        let id = plan.step.id
        for change in plan.changes {
            // Kept under the path the kernel will write, so a later step that names it through a
            // pending link finds it.
            let change = (try? change.resolved(throughPendingLinks)) ?? change
            switch change {
            case .makeDirectory(let path, _): pending[path] = (.directory, id)
            case .writeFile(let path, let content, let mode): pending[path] = (.file(content, mode: mode), id)
            case .setMode(let path, let mode):
                if case .file(let data, _)? = pendingEntry(path)?.state { pending[path] = (.file(data, mode: mode), id) }
            case .setOwner: break
            case .makeLink(let path, let target): pending[path] = (.link(target), id)
            case .remove(let path): pending[path] = (.absent, id)
            case .installPackages(let names): installing += names.map { ($0, id) }
            case .runScript(_, let made):
                for path in made { pending[path] = (.createdByCommand, id) }
            }
        }
    }
}
