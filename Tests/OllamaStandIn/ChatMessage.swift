/// One message of a chat: `{"role": "user", "content": "Hi"}`.
struct ChatMessage: Decodable {
    var role: String?
    var content: String?
}
