/// A program and its arguments, run with this process's environment.
struct ProcessInvocation {
    var executable: String
    var arguments: [String]

    /// The command line as an operator would type it, for progress and failure messages.
    var displayed: String {
        let words = [executable] + arguments
        let shown = words.count > 8 ? words.prefix(7) + ["… (\(words.count - 7) more)"] : words[...]
        return shown.joined(separator: " ")
    }
}
