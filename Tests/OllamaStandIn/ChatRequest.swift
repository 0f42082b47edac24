/// The fields of a `POST /api/chat` body that the stand-in uses.
///
///     {"model": "llama3.2:3b", "messages": [{"role": "user", "content": "Hi"}], "stream": false}
struct ChatRequest: Decodable {
    var model: String?
    var messages: [ChatMessage]?
    /// Absent means true: Ollama streams unless told not to.
    var stream: Bool?

    /// What the canned answer quotes: the last message from the user, else the last message.
    var prompt: String {
        let messages = messages ?? []
        return (messages.last { $0.role == "user" } ?? messages.last)?.content ?? ""
    }
}
