import Foundation

/// The whole-process cases for one runbook (``MeasuredCommand``): `check`, then `plan` and `apply`
/// on a fresh root and on a converged one, each with `--root` and `--state-dir` in scratch space.
///
/// The converged root is made once, by an apply that is not timed. Fresh-root applies get a new
/// empty root and state directory for every run, made before the clock starts and removed after.
struct RunbookCases {
    var subject: RunbookSubject
    var runbookDirectory: String
    var chapterPaths: [String]
    var binary: String
    var scratch: ScratchSpace

    func makeCases() throws -> [(command: MeasuredCommand, benchmarkCase: BenchmarkCase)] {
        let convergedRoot = try scratch.freshDirectory("converged-root")
        // Kept with its root: it holds the generated secrets the converged files were written with.
        let convergedState = try scratch.freshDirectory("converged-state")
        try converge(root: convergedRoot, state: convergedState)
        let managedFiles = ManagedFiles.regularFiles(under: convergedRoot)
        let freshRoot = try scratch.freshDirectory("fresh-root")
        let freshState = try scratch.freshDirectory("fresh-state")

        return MeasuredCommand.allCases.map { command in
            var finishRun: () -> Void = {}
            let prepareRun: () throws -> ProcessInvocation
            switch command {
            case .check:
                prepareRun = {
                    ProcessInvocation(executable: binary, arguments: ["check", "--runbook", runbookDirectory, "--no-color"])
                }
            case .planOnFreshRoot:
                // plan only reads, so every run may share one empty root.
                prepareRun = { invocation("plan", root: freshRoot, state: freshState) }
            case .applyOnFreshRoot:
                var madeForThisRun: [String] = []
                prepareRun = {
                    madeForThisRun = [try scratch.freshDirectory("apply-root"), try scratch.freshDirectory("apply-state")]
                    return invocation("apply", root: madeForThisRun[0], state: madeForThisRun[1])
                }
                finishRun = { madeForThisRun.forEach(scratch.remove) }
            case .planOnConvergedRoot, .applyOnConvergedRoot:
                prepareRun = { invocation(command.verb, root: convergedRoot, state: convergedState) }
            }
            let floorFiles = command.usesConvergedRoot ? chapterPaths + managedFiles : chapterPaths
            let benchmarkCase = BenchmarkCase(
                name: "\(subject.label), \(command.title)", expectedExit: command.expectedExit,
                floor: ProcessInvocation(executable: "/bin/cat", arguments: floorFiles),
                target: PerformanceTarget.for(command, on: subject), prepareRun: prepareRun, finishRun: finishRun)
            return (command, benchmarkCase)
        }
    }

    private func invocation(_ verb: String, root: String, state: String) -> ProcessInvocation {
        ProcessInvocation(executable: binary, arguments: [verb, "--runbook", runbookDirectory, "--root", root,
                                                          "--state-dir", state, "--no-color"])
    }

    private func converge(root: String, state: String) throws {
        let outputPath = scratch.path + "/converge.out"
        let apply = invocation("apply", root: root, state: state)
        let result = try MeasuredProcess.run(apply, standardOutput: outputPath, standardError: outputPath)
        guard result.termination == .exited(0) else {
            let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
            throw BenchmarkError.setup("cannot converge a root for \(subject.label): `\(apply.displayed)` ended with "
                                       + "\(result.termination):\n\(output.suffix(2000))")
        }
    }
}
