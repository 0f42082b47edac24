import Foundation

/// A program run on a pseudo-terminal, as a person at a keyboard would run it, with a prompt
/// answered each time it appears. `script` provides the terminal: the program sees a tty on
/// stdin, stdout and stderr, and what we write to `script`'s stdin is typed into it.
///
/// ```
/// let session = try TerminalSession(command: server.command("cd /root && runbook apply --step"))
/// let status = session.answer(prompt: "Apply this step?", with: "y", timeout: 300)
/// ```
public final class TerminalSession: @unchecked Sendable {
    private let process = Process()
    private let input = Pipe()
    private let output = Pipe()
    private let lock = NSLock()
    private var received = Data()
    private var finishedReading = false
    public private(set) var answered = 0

    /// `environment` adds to a plain one (`PATH`, `SHELL`, `TERM=dumb`).
    public init(command: [String], environment: [String: String] = [:]) throws {
        let line = command.map(Self.quoted).joined(separator: " ")
        process.executableURL = URL(fileURLWithPath: "/usr/bin/script")
        // -q no banner, -f flush at once, -e the program's exit status, -c the command; no typescript file.
        process.arguments = ["-qfec", line, "/dev/null"]
        process.environment = ["PATH": "/usr/sbin:/usr/bin:/sbin:/bin", "SHELL": "/bin/sh", "TERM": "dumb"]
            .merging(environment) { _, given in given }
        process.standardInput = input
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let reader = Thread { [self] in
            while true {
                let chunk = output.fileHandleForReading.availableData
                if chunk.isEmpty { break }
                lock.withLock { received.append(chunk) }
            }
            lock.withLock { finishedReading = true }
        }
        reader.start()
    }

    /// A word as `sh -c` reads it back.
    public static func quoted(_ word: String) -> String {
        word.allSatisfy { $0.isLetter || $0.isNumber || "-_=./:,@".contains($0) } ? word
            : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }

    /// Everything the terminal showed: the program's output and the echo of what was typed.
    public var transcript: String { lock.withLock { String(decoding: received, as: UTF8.self) } }

    /// Types `answer` and Enter each time `prompt` appears, until the program ends; its exit
    /// status, or nil if it ran past `timeout` (then it is terminated).
    public func answer(prompt: String, with answer: String, timeout: TimeInterval) -> Int32? {
        self.answer(prompt: prompt, withEach: [], thenWith: answer, timeout: timeout)
    }

    /// Types `answers` in turn, each with Enter, one each time `prompt` appears, then `rest` at every
    /// later prompt (or nothing, when nil); the exit status, or nil past `timeout`.
    public func answer(prompt: String, withEach answers: [String], thenWith rest: String? = nil, timeout: TimeInterval) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let (text, done) = lock.withLock { (String(decoding: received, as: UTF8.self), finishedReading) }
            if text.components(separatedBy: prompt).count - 1 > answered, let next = answered < answers.count ? answers[answered] : rest {
                answered += 1
                input.fileHandleForWriting.write(Data((next + "\n").utf8))
                continue
            }
            if done && !process.isRunning { break }
            guard Date() < deadline else {
                process.terminate()
                return nil
            }
            usleep(20_000)
        }
        process.waitUntilExit()
        return process.terminationStatus
    }

    /// Waits for the program to end, typing nothing (a NUL is a prompt no program shows); its exit
    /// status, or nil if it ran past `timeout`.
    public func wait(timeout: TimeInterval) -> Int32? { answer(prompt: "\u{0}", with: "", timeout: timeout) }
}
