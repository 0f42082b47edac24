import RunbookEngine
import RunbookSteps

/// A fleet's results as text: plans folded so that hosts with the same plan read as one, the
/// table an apply ends with, and the one line that sums it all up.
package struct FleetTextRenderer {
    package var style: TextStyle

    package init(style: TextStyle) { self.style = style }

    /// Each distinct plan once, under the hosts it is for, in the order of the first host of each.
    /// Plans are the same when everything after their first line (which names the target) is.
    package func render(plans: [(host: String, plan: Plan)]) -> String {
        var groups: [(hosts: [String], plan: Plan, body: String, digestsDiffer: Bool)] = []
        let renderer = PlanTextRenderer(style: style)
        for (host, plan) in plans {
            let text = renderer.render(plan)
            let body = String(text.drop { $0 != "\n" })
            let key = Self.withoutSecretDigests(body)
            if let index = groups.firstIndex(where: { Self.withoutSecretDigests($0.body) == key }) {
                groups[index].hosts.append(host)
                if groups[index].body != body { groups[index].digestsDiffer = true }
            } else {
                groups.append(([host], plan, body, false))
            }
        }
        return groups.map { group in
            var plan = group.plan
            let names = group.hosts.count == 1 ? group.hosts[0] : "\(group.hosts.count) hosts with one plan (\(group.hosts.joined(separator: ", ")))"
            plan.target = plan.target == "/" ? names : "\(names) \(plan.target)"
            let text = renderer.render(plan)
            return group.digestsDiffer ? Self.withoutSecretDigests(text, saying: Self.digestsDiffer) : text
        }.joined(separator: "\n")
    }

    /// A file that holds a secret is shown by the sha256 of its content, which differs from host
    /// to host when each has (or will generate) its own secret: plans that differ only there are one.
    private static let secretDigest = "; sha256 "
    private static let digestsDiffer = "; sha256 differs from host to host: each has its own secret"

    private static func withoutSecretDigests(_ text: String, saying replacement: String = "") -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
            guard line.contains(WithheldDiff.marker), let digest = line.firstRange(of: secretDigest) else { return String(line) }
            return String(line[..<digest.lowerBound]) + replacement
        }.joined(separator: "\n")
    }

    /// host, result, changed, unchanged, failed step, took.
    package func table(_ outcomes: [HostOutcome]) -> [String] {
        let rows = outcomes.map { outcome in
            [outcome.host, outcome.result.words, outcome.changed.map(String.init) ?? "-", outcome.unchanged.map(String.init) ?? "-",
             outcome.failedStep ?? "-", outcome.result == .notStarted ? "-" : DurationText.of(outcome.seconds)]
        }
        let lines = TextTable(header: ["host", "result", "changed", "unchanged", "failed step", "took"], rows: rows).lines()
        return [style.bold(lines[0])] + lines.dropFirst()
    }

    /// `5 hosts: 4 applied, 1 unreachable; 40 steps changed; took 3.2 s.`
    package func summary(_ outcomes: [HostOutcome], command: String, seconds: Double) -> String {
        let counts = HostOutcome.Result.allCases.compactMap { result -> String? in
            let count = outcomes.filter { $0.result == result }.count
            return count == 0 ? nil : "\(count) \(result == .changesPending ? "with changes pending" : result.words)"
        }
        let changed = outcomes.compactMap(\.changed).reduce(0, +)
        let verb = command == "plan" ? "with changes" : "changed"
        let steps = outcomes.contains { $0.changed != nil } ? "; \(changed) step\(changed == 1 ? "" : "s") \(verb)" : ""
        let line = "\(outcomes.count) host\(outcomes.count == 1 ? "" : "s"): \(counts.joined(separator: ", "))\(steps); took \(DurationText.of(seconds))."
        return outcomes.contains { $0.result.isFailure } ? style.bold(line) : line
    }

    /// What a host that did not do what was asked says about it: a line each, and under it the
    /// rest of what it said (a failed step's output).
    package func reasons(_ outcomes: [HostOutcome]) -> [String] {
        outcomes.flatMap { outcome -> [String] in
            guard let reason = outcome.reason else { return [] }
            let lines = reason.split(separator: "\n", omittingEmptySubsequences: false)
            return ["\(outcome.host): \(outcome.result.words): \(lines[0])"] + lines.dropFirst().map { "    \($0)" }
        }
    }
}
