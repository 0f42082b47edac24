import RunbookHost

/// A word for the server's shell, taken literally: in single quotes, each quote of its own as '\''.
/// Only paths and hashes are quoted into a remote command line; values never are.
enum ShellWord {
    static func quoted(_ word: String) -> String {
        "'" + word.replacingEvery("'", with: "'\\''") + "'"
    }
}
