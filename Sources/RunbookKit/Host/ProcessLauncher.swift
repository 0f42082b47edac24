import Foundation

/// Starts a shell with a script and waits for it, collecting stdout and stderr together.
struct ProcessLauncher: Sendable {
    var environment: [String: String]?
    var workingDirectory: String?

    func run(_ command: ShellCommand) throws -> ProcessResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: command.shell)
        process.arguments = command.arguments
        if let environment { process.environment = environment }
        if let workingDirectory { process.currentDirectoryURL = URL(fileURLWithPath: workingDirectory) }
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        let input = Pipe()
        process.standardInput = command.standardInput == nil ? FileHandle.nullDevice : input
        do {
            try process.run()
        } catch {
            throw HostError(path: command.shell, operation: "run", reason: "\(error.localizedDescription)")
        }
        if let data = command.standardInput {
            let writer = input.fileHandleForWriting
            DispatchQueue.global().async {
                try? writer.write(contentsOf: data)
                try? writer.close()
            }
        }
        let collected = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        let status = process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
        return ProcessResult(status: status, output: String(decoding: collected, as: UTF8.self))
    }
}
