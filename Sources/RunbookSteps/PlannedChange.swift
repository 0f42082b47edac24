import FoundationEssentials
import Glibc
import RunbookModel
import RunbookHost

/// One change of a plan, as data: what happens to which subject, from which observed state to
/// which. Renderers derive their words and symbols from it, and a reviewer's tool can tell a
/// create from an update or a delete without reading English.
///
/// For a site file on a fresh server: `.create` of `/etc/nginx/sites-available/inference`, before
/// `absent`, after `file, mode 0644, sha256 …`.
public struct PlannedChange: Sendable, Equatable, Codable {
    public enum Action: String, Sendable, Codable, CaseIterable {
        case create, update, delete, link, install, run
    }

    public var action: Action
    /// The path changed; nil for an install or a run.
    public var path: String?
    /// For an install: the packages.
    public var packages: [String]
    /// For a run: the whole script.
    public var script: String?
    /// For a run: what its `creates=` and `makes=` say it makes, which a rollback removes or puts back.
    public var made: [String] = []
    /// What is at the path now, as observed (through the changes earlier steps will make).
    public var before: PathState?
    /// What will be there after the step.
    public var after: PathState?

    package init(action: Action, path: String?, packages: [String], script: String?, made: [String] = [], before: PathState?, after: PathState?) {
        self.action = action
        self.path = path
        self.packages = packages
        self.script = script
        self.made = made
        self.before = before
        self.after = after
    }

    /// The changes a step asks for, one per path (a write and an owner change of one file are one
    /// update), with each path's state observed in `view` before the step.
    public static func planned(_ changes: [Change], in view: any SystemView) throws -> [PlannedChange] {
        var planned: [PlannedChange] = []
        var indexByPath: [String: Int] = [:]
        for change in changes {
            switch change {
            case .installPackages(let names):
                planned.append(PlannedChange(action: .install, path: nil, packages: names, script: nil, before: nil, after: nil))
            case .runScript(let command, let made):
                planned.append(PlannedChange(action: .run, path: nil, packages: [], script: command.script, made: made, before: nil, after: nil))
            default:
                guard let path = change.path else { continue }
                let index: Int
                if let known = indexByPath[path] {
                    index = known
                } else {
                    let before = try observe(path, in: view)

                    planned.append(PlannedChange(action: .update, path: path, packages: [], script: nil, before: before, after: before))
                    index = planned.count - 1
                    indexByPath[path] = index
                }
                planned[index].after = planned[index].after.map { $0.changed(by: change) }
                planned[index].action = action(from: planned[index].before ?? .absent, to: planned[index].after ?? .absent)
            }
        }
        return planned
    }

    private static func action(from before: PathState, to after: PathState) -> Action {
        if after.kind == .absent { return .delete }
        if after.kind == .symlink { return .link }
        return before.kind == .absent ? .create : .update
    }

    /// What `view` shows at `path`: a pending write's content hash, or the target's own.
    package static func observe(_ path: String, in view: any SystemView) throws -> PathState {
        guard let status = try view.status(path) else { return .absent }
        let hash = status.kind == .file && !view.madeByCommand(path) ? SHA256.hex(try view.read(path)) : nil
        return PathState(status, sha256: hash)
    }
}

extension PathState {
    /// This state once `change` is made: what a plan predicts.
    package func changed(by change: Change) -> PathState {
        switch change {
        case .makeDirectory(_, let mode):
            return PathState(kind: .directory, mode: mode, uid: kind == .directory ? uid : nil, gid: kind == .directory ? gid : nil)
        case .writeFile(_, let content, let mode):
            return PathState(kind: .file, mode: mode, uid: kind == .file ? uid : nil, gid: kind == .file ? gid : nil,
                             sha256: SHA256.hex(content))
        case .setMode(_, let mode):
            var state = self
            state.mode = mode
            return state
        case .setOwner(_, let uid, let gid):
            var state = self
            state.uid = uid
            state.gid = gid
            return state
        case .makeLink(_, let target):
            return PathState(kind: .symlink, linkTarget: target)
        case .remove:
            return .absent
        case .installPackages, .runScript:
            return self
        }
    }
}
