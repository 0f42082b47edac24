import Synchronization

/// The directories a ``RootedHost`` has resolved, by target path, each with its open descriptor
/// (or with what was missing): one view of the tree for the whole command.
///
/// Under `--root` nothing but runbook itself changes the tree while a command runs (processes do
/// not run there), so a path that resolves differently halfway through is someone else swapping
/// things. Keeping the first resolution makes the snapshot's record of a path and the change to
/// it name the same file, whatever is swapped in between; a swap cannot split them. A change
/// made through the host forgets the directories it can re-route: the changed path and those
/// below it, by target path or by where they resolved to.
package final class ResolvedDirectories: Sendable {
    /// Beyond this many, all are forgotten and resolved afresh, so descriptors never run out.
    package static let limit = 512

    private let resolved = Mutex<[String: RootWalk.Resolved]>([:])

    package func value(for directory: String, resolving: () throws -> RootWalk.Resolved) rethrows -> RootWalk.Resolved {
        if let known = resolved.withLock({ $0[directory] }) { return known }
        let found = try resolving()
        resolved.withLock { cache in
            if cache.count >= Self.limit { cache.removeAll() }
            cache[directory] = found
        }
        return found
    }

    /// Forgets what a change at `path` (resolved to `components`) can re-route.
    package func forget(_ path: String, resolvedTo components: [String]) {
        resolved.withLock { cache in
            cache = cache.filter { directory, resolution in
                !(directory == path || directory.hasPrefix(path + "/") || resolution.components.starts(with: components))
            }
        }
    }

    package func forgetAll() { resolved.withLock { $0.removeAll() } }
}
