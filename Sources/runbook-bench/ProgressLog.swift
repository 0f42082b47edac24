import Foundation

/// Progress notes on standard error, so a long run shows it is alive while standard output keeps
/// only the results table.
enum ProgressLog {
    static func note(_ message: String) {
        FileHandle.standardError.write(Data((message + "\n").utf8))
    }
}
