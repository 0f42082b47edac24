/// `POST /api/chat`: the canned answer to the last user message, whole or streamed token by token.
///
///     {"model":"llama3.2:3b","messages":[{"role":"user","content":"Hi"}],"stream":false}
///     → {"model":"llama3.2:3b","created_at":"…","message":{"role":"assistant","content":"The Ollama stand-in …"},
///        "done_reason":"stop","done":true,"total_duration":…,"eval_duration":…}
///
/// Field order follows Ollama's `ChatResponse` (`done_reason` before `done`, no `context`). No
/// messages only "loads" the model: `"done_reason":"load","done":true`.
struct ChatEndpoint {
    var configuration: StandInConfiguration

    func respond(to request: HTTPRequest) -> HTTPResponse {
        let body: ChatRequest
        switch RequestBodyDecoder.decode(ChatRequest.self, from: request.body) {
        case .failure(let failure): return .error(400, failure.message)
        case .success(let decoded): body = decoded
        }
        guard let model = body.model, !model.isEmpty else { return .error(400, "model is required") }
        guard let messages = body.messages, !messages.isEmpty else {
            return .json(200, [
                "model": .string(model), "created_at": .string(Timestamps.rfc3339Nano()),
                "message": Self.assistant(""), "done_reason": "load", "done": true,
            ])
        }

        let generation = CannedGeneration(prompt: body.prompt, tokenCount: configuration.chunks,
                                          tokenDelayMilliseconds: configuration.chunkDelayMilliseconds)
        if body.stream == false {
            return .json(200, final(model: model, content: generation.text, generation))
        }
        let tokens = generation.tokens
        return .ndjson(LineStream(count: tokens.count + 1, delayMilliseconds: configuration.chunkDelayMilliseconds) { index in
            guard index < tokens.count else { return final(model: model, content: "", generation) }
            return [
                "model": .string(model), "created_at": .string(Timestamps.rfc3339Nano()),
                "message": Self.assistant(tokens[index]), "done": false,
            ]
        })
    }

    private func final(model: String, content: String, _ generation: CannedGeneration) -> JSONValue {
        .object([
            ("model", .string(model)),
            ("created_at", .string(Timestamps.rfc3339Nano())),
            ("message", Self.assistant(content)),
            ("done_reason", "stop"),
            ("done", true),
        ] + generation.metrics)
    }

    private static func assistant(_ content: String) -> JSONValue {
        ["role": "assistant", "content": .string(content)]
    }
}
