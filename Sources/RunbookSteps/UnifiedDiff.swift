import FoundationEssentials
import RunbookModel
import RunbookHost

/// A unified diff of two texts, line by line (Myers' algorithm in linear space, see `LineDiff`), as `diff -u` prints it.
///
/// ```
/// --- /etc/nginx/sites-available/inference
/// +++ /etc/nginx/sites-available/inference (planned)
/// @@ -12,1 +12,1 @@
/// -    proxy_read_timeout 120s;
/// +    proxy_read_timeout 300s;
/// ```
public enum UnifiedDiff {
    package enum Edit: Equatable {
        case same(String), removed(String), added(String)

        package var isChange: Bool {
            if case .same = self { return false }
            return true
        }
    }

    /// What a reviewer sees instead of a diff for a file that holds, or held, a secret: how much
    /// changes and the content hashes, never a line of it (a key the runbook no longer knows
    /// included).
    ///
    /// `content of a file holding a secret, not shown: 1 line removed, 1 added; sha256 9f86d081884c → 2c26b46b68ff`
    public static func withheld(old: Data?, new: Data?) -> String {
        withheldSize(old: old, new: new).sentence(oldSHA256: old.map(SHA256.hex), newSHA256: new.map(SHA256.hex))
    }

    /// How many lines a change to a secret-holding file removes and adds.
    package static func withheldSize(old: Data?, new: Data?) -> WithheldDiff {
        let edits = self.edits(lines(old.map { String(decoding: $0, as: UTF8.self) } ?? ""),
                               lines(new.map { String(decoding: $0, as: UTF8.self) } ?? "")).edits
        return WithheldDiff(linesRemoved: edits.filter { if case .removed = $0 { true } else { false } }.count,
                            linesAdded: edits.filter { if case .added = $0 { true } else { false } }.count)
    }

    package static let coarseNotice = "(the texts differ too much to find the smallest diff in reasonable time: "
        + "regions past the search limit are shown whole, removed then added)\n"

    public static func make(old: String, new: String, oldLabel: String, newLabel: String, context: Int = 3) -> String {
        let (edits, isCoarse) = self.edits(lines(old), lines(new))
        // Before the headers, where `patch` skips leading text, so the diff still applies.
        var output = isCoarse ? coarseNotice : ""
        output += "--- \(oldLabel)\n+++ \(newLabel)\n"
        var index = 0
        var oldLine = 1, newLine = 1
        var positions: [(old: Int, new: Int)] = []
        for edit in edits {
            positions.append((oldLine, newLine))
            switch edit {
            case .same: oldLine += 1; newLine += 1
            case .removed: oldLine += 1
            case .added: newLine += 1
            }
        }
        while index < edits.count {
            guard let firstChange = edits[index...].firstIndex(where: \.isChange) else { break }
            let start = max(index, firstChange - context)
            var end = firstChange
            var lastChange = firstChange
            while end < edits.count {
                if edits[end].isChange {
                    lastChange = end
                } else if end - lastChange > 2 * context {
                    break
                }
                end += 1
            }
            end = min(edits.count, lastChange + context + 1)
            let hunk = edits[start..<end]
            let oldCount = hunk.filter { if case .added = $0 { false } else { true } }.count
            let newCount = hunk.filter { if case .removed = $0 { false } else { true } }.count
            let oldStart = oldCount == 0 ? positions[start].old - 1 : positions[start].old
            let newStart = newCount == 0 ? positions[start].new - 1 : positions[start].new
            output += "@@ -\(oldStart),\(oldCount) +\(newStart),\(newCount) @@\n"
            for edit in hunk {
                switch edit {
                case .same(let line): output += " \(line)\n"
                case .removed(let line): output += "-\(line)\n"
                case .added(let line): output += "+\(line)\n"
                }
            }
            index = end
        }
        return output
    }

    package static func lines(_ text: String) -> [String] {
        guard !text.isEmpty else { return [] }
        var lines = text.lines().map(String.init)
        if text.utf8.last == UInt8(ascii: "\n") {
            lines.removeLast()
        } else {
            lines[lines.count - 1] += "\n\\ No newline at end of file"
        }
        return lines
    }

    /// The edit script, every change run's removals before its additions as `diff -u` prints them,
    /// and whether the search was cut short (see `LineDiff`).
    package static func edits(_ old: [String], _ new: [String]) -> (edits: [Edit], isCoarse: Bool) {
        let diff = LineDiff(old, new)
        var result: [Edit] = []
        result.reserveCapacity(max(old.count, new.count))
        var x = 0, y = 0
        while x < old.count || y < new.count {
            if x < old.count, diff.removed[x] {
                result.append(.removed(old[x])); x += 1
            } else if y < new.count, diff.added[y] {
                result.append(.added(new[y])); y += 1
            } else {
                result.append(.same(old[x])); x += 1; y += 1
            }
        }
        return (result, diff.isCoarse)
    }
}
