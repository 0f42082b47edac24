import Foundation
import XCTest

/// Real SIGKILLs at random moments, with no fault switch: during applies, during rollbacks of a
/// converged tree, and during an apply and then during the command plan names to recover it. After each, the operator runs what runbook names (plan's note, then that
/// command), and every run must end exactly at the fresh tree or at the converged one: the fresh
/// one whenever that command was a rollback.
/// `RUNBOOK_KILL_RUNS=N` runs N of each (10 by default, for CI); `RUNBOOK_KILL_SEED` picks the moments.
final class RandomKillTests: XCTestCase {
    func testKillsAtRandomMomentsEndAtTheFreshOrTheConvergedTree() throws {
        let environment = ProcessInfo.processInfo.environment
        let runs = Int(environment["RUNBOOK_KILL_RUNS"] ?? "") ?? 10
        var random = SplitMix64(seed: UInt64(environment["RUNBOOK_KILL_SEED"] ?? "") ?? 1)
        let subject = FaultInjectionTests.fixture
        var fresh: TreeManifest?, converged: TreeManifest?
        var planTime = Double.infinity, applyTime = Double.infinity, rollbackTime = Double.infinity
        // The quickest of three, so that few kills come after the command has ended.
        for _ in 0..<3 {
            let reference = try FaultInjectionTests.sandbox(subject, for: self)
            fresh = try TreeManifest(reference.root)
            planTime = min(planTime, try duration(["plan"] + reference.arguments, status: 2))
            applyTime = min(applyTime, try duration(["apply"] + reference.arguments))
            converged = try TreeManifest(reference.root)
            rollbackTime = min(rollbackTime, try duration(["rollback"] + reference.arguments))
        }

        // From about when the runbook is loaded (as long as a plan takes) to the end, so that most
        // kills come while it changes things.
        func moment(_ time: Double) -> Double { Double.random(in: min(planTime, time / 2)..<time, using: &random) }
        for command in ["apply", "rollback", "apply, then the command plan names"] {
            var tally: [String: Int] = [:]
            for run in 0..<runs {
                let sandbox = try FaultInjectionTests.sandbox(subject, for: self)
                let followUp = FollowUp(arguments: sandbox.arguments)
                if command == "rollback" { XCTAssertEqual(try RunbookBinary.run(["apply"] + sandbox.arguments).status, 0) }
                let delay = moment(command == "rollback" ? rollbackTime : applyTime)
                var killed = try kill([command == "rollback" ? "rollback" : "apply"] + sandbox.arguments, after: delay)
                // A command that ended before its kill was quicker than measured (the machine is shared).
                if !killed, command == "rollback" { rollbackTime = delay } else if !killed { applyTime = delay }
                var label = "\(command) run \(run), killed after \(Int(delay * 1000)) ms"
                // The recovery itself killed at a random moment too.
                if command.hasPrefix("apply, then"), let named = try followUp.planAdvice() {
                    let second = moment(rollbackTime)
                    let killedAgain = try kill(followUp.words(of: named) + sandbox.arguments, after: second)
                    if !killedAgain { rollbackTime = second }
                    killed = killed && killedAgain
                    label += ", \(named) killed after \(Int(second * 1000)) ms"
                }
                let followed = try followUp.run(after: "", status: 1)
                let after = try TreeManifest(sandbox.root)
                label += ", then \(followed.commands)"
                XCTAssertFalse(followed.commands.contains { $0.contains("--force") }, "\(label): false drift")
                let end = after == fresh ? "fresh" : after == converged ? "converged" : "neither"
                if end == "neither" { XCTFail("\(label):\n\(after.difference(from: try XCTUnwrap(fresh)))\n\(followed.last?.all ?? "")") }
                // A rollback the operator was told to run must roll back, not converge again.
                if followed.commands.contains(where: { $0.hasPrefix("runbook rollback") }) { XCTAssertEqual(end, "fresh", label) }
                tally["\(killed ? "killed" : "finished first"), \(followed.commands.isEmpty ? "nothing to run" : "followed up"), \(end)", default: 0] += 1
            }
            print("random kills during \(command) (\(runs) runs; apply \(Int(applyTime * 1000)) ms, rollback \(Int(rollbackTime * 1000)) ms, plan \(Int(planTime * 1000)) ms): "
                  + tally.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: "; "))
        }
    }

    /// How long a command takes, in seconds; it must exit `status`.
    private func duration(_ arguments: [String], status: Int32 = 0) throws -> Double {
        let start = Date()
        let result = try RunbookBinary.run(arguments)
        XCTAssertEqual(result.status, status, result.all)
        return Date().timeIntervalSince(start)
    }

    /// Starts `runbook` and sends it SIGKILL after `delay` seconds; whether the kill came before it ended.
    private func kill(_ arguments: [String], after delay: Double) throws -> Bool {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: RunbookBinary.path)
        process.arguments = arguments
        process.environment = ["NO_COLOR": "1"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        usleep(useconds_t(delay * 1_000_000))
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
        return process.terminationReason == .uncaughtSignal
    }
}
