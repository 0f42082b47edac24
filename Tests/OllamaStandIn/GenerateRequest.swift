/// The fields of a `POST /api/generate` body that the stand-in uses; every other field is accepted
/// and ignored, as Ollama ignores options a model does not have.
///
///     {"model": "llama3.2:3b", "prompt": "What is a keepalive?", "stream": false}
struct GenerateRequest: Decodable {
    var model: String?
    var prompt: String?
    /// Absent means true: Ollama streams unless told not to.
    var stream: Bool?
}
