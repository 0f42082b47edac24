import Foundation

/// `plan` of one 30,000-line managed file (a large `/etc/hosts`) against a root that holds it with
/// scattered edits, and against one where every line differs, the diff's worst case (issue #10).
struct LargeFileCases {
    static let lineCount = 30_000

    var binary: String
    var scratch: ScratchSpace

    func makeCases() throws -> [BenchmarkCase] {
        let wanted = (1...Self.lineCount).map { "10.\($0 / 65_536).\($0 / 256 % 256).\($0 % 256) host-\($0).example" }
        let runbook = try scratch.freshDirectory("large-file-runbook")
        let chapter = runbook + "/hosts.md"
        try Data(("# Hosts\n\nEvery host the fleet knows.\n\n```text file=/etc/hosts mode=0644\n"
                  + wanted.joined(separator: "\n") + "\n```\n").utf8).write(to: URL(fileURLWithPath: chapter))

        var edited = wanted
        for index in stride(from: 100, to: Self.lineCount, by: 1_000) {
            edited[index] = "# retired " + edited[index]
            edited.insert("10.255.0.\(index % 256) added-\(index).example", at: index + 7)
        }
        let rewritten = wanted.map { $0.replacingOccurrences(of: "example", with: "internal") }
        return try [("scattered edits", edited), ("every line different", rewritten)].map { label, lines in
            let root = try scratch.freshDirectory("large-file-root")
            let state = try scratch.freshDirectory("large-file-state")
            try FileManager.default.createDirectory(atPath: root + "/etc", withIntermediateDirectories: true)
            let hosts = root + "/etc/hosts"
            try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: hosts))
            return BenchmarkCase(
                name: "30,000-line managed file, \(label), plan", expectedExit: 2,
                floor: ProcessInvocation(executable: "/bin/cat", arguments: [chapter, hosts]),
                target: PerformanceTarget(peakResidentMiB: 100),
                prepareRun: {
                    ProcessInvocation(executable: binary, arguments: ["plan", "--runbook", runbook, "--root", root,
                                                                      "--state-dir", state, "--no-color"])
                })
        }
    }
}
