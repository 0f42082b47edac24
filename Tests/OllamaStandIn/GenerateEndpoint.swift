/// `POST /api/generate`: a canned completion, whole or streamed token by token.
///
///     {"model":"llama3.2:3b","prompt":"Hi","stream":false}
///     → {"model":"llama3.2:3b","created_at":"…","response":"The Ollama stand-in …","done":true,
///        "done_reason":"stop","context":[128006,…],"total_duration":…,"eval_duration":…}
///
/// Streamed, each token is `{"model":…,"created_at":…,"response":" read your prompt","done":false}`
/// and the last line carries `"response":""`, `"done":true` and the statistics.
/// An empty prompt only "loads" the model, as in Ollama: `"done":true,"done_reason":"load"`.
struct GenerateEndpoint {
    var configuration: StandInConfiguration

    func respond(to request: HTTPRequest) -> HTTPResponse {
        let body: GenerateRequest
        switch RequestBodyDecoder.decode(GenerateRequest.self, from: request.body) {
        case .failure(let failure): return .error(400, failure.message)
        case .success(let decoded): body = decoded
        }
        guard let model = body.model, !model.isEmpty else { return .error(400, "model is required") }
        guard let prompt = body.prompt, !prompt.isEmpty else {
            return .json(200, [
                "model": .string(model), "created_at": .string(Timestamps.rfc3339Nano()),
                "response": "", "done": true, "done_reason": "load",
            ])
        }

        let generation = CannedGeneration(prompt: prompt, tokenCount: configuration.chunks,
                                          tokenDelayMilliseconds: configuration.chunkDelayMilliseconds)
        if body.stream == false {
            return .json(200, final(model: model, response: generation.text, generation))
        }
        let tokens = generation.tokens
        return .ndjson(LineStream(count: tokens.count + 1, delayMilliseconds: configuration.chunkDelayMilliseconds) { index in
            guard index < tokens.count else { return final(model: model, response: "", generation) }
            return [
                "model": .string(model), "created_at": .string(Timestamps.rfc3339Nano()),
                "response": .string(tokens[index]), "done": false,
            ]
        })
    }

    private func final(model: String, response: String, _ generation: CannedGeneration) -> JSONValue {
        .object([
            ("model", .string(model)),
            ("created_at", .string(Timestamps.rfc3339Nano())),
            ("response", .string(response)),
            ("done", true),
            ("done_reason", "stop"),
            ("context", .array(generation.context.map { .integer($0) })),
        ] + generation.metrics)
    }
}
