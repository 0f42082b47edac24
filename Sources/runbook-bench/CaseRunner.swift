import Foundation

/// Runs a ``BenchmarkCase`` its warm-up and measured number of times, each run followed by one run
/// of its floor, and checks every exit status.
struct CaseRunner {
    var runs: Int
    var warmups: Int
    var scratch: ScratchSpace

    func measure(_ benchmarkCase: BenchmarkCase) throws -> CaseResult {
        var wall: [Double] = [], floorWall: [Double] = []
        var peakResidentKiB = 0, isUpperBound = false
        var failures: [String] = []
        for index in 0..<(warmups + runs) {
            let invocation = try benchmarkCase.prepareRun()
            let measurement = try MeasuredProcess.run(invocation)
            benchmarkCase.finishRun()
            if measurement.termination != .exited(benchmarkCase.expectedExit) && failures.isEmpty {
                // Only the first: the same cause fails every run, and its output is what matters.
                failures.append(try explainFailure(of: benchmarkCase, measurement: measurement))
            }
            let floor = try MeasuredProcess.run(benchmarkCase.floor)
            if floor.termination != .exited(0) {
                failures.append("\(benchmarkCase.name): the floor `\(benchmarkCase.floor.displayed)` ended with \(floor.termination)")
            }
            guard index >= warmups else { continue }
            wall.append(measurement.wallSeconds)
            floorWall.append(floor.wallSeconds)
            if measurement.peakResidentKiB > peakResidentKiB {
                peakResidentKiB = measurement.peakResidentKiB
                isUpperBound = measurement.isPeakResidentAnUpperBound
            }
        }
        let result = CaseResult(name: benchmarkCase.name, wall: SampleSummary(wall), peakResidentKiB: peakResidentKiB,
                                isPeakResidentAnUpperBound: isUpperBound, floor: SampleSummary(floorWall),
                                target: benchmarkCase.target, failures: failures)
        ProgressLog.note("  \(result.name): median \(MeasurementFormat.milliseconds(result.wall.median)), floor "
                         + "\(MeasurementFormat.milliseconds(result.floor.median))"
                         + (failures.isEmpty ? "" : "; FAILED: \(failures.joined(separator: "; "))"))
        return result
    }

    /// Runs the command once more with its output kept, to say why it did not exit as expected.
    private func explainFailure(of benchmarkCase: BenchmarkCase, measurement: ProcessMeasurement) throws -> String {
        let outputPath = scratch.path + "/failed-run.out"
        let invocation = try benchmarkCase.prepareRun()
        _ = try MeasuredProcess.run(invocation, standardOutput: outputPath, standardError: outputPath)
        benchmarkCase.finishRun()
        let output = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        let lastLines = output.split(separator: "\n", omittingEmptySubsequences: true).suffix(6).joined(separator: "\n    ")
        return "\(benchmarkCase.name): `\(invocation.displayed)` ended with \(measurement.termination), "
            + "expected exit \(benchmarkCase.expectedExit); its output ends:\n    \(lastLines)"
    }
}
