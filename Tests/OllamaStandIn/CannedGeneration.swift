/// The answer the stand-in gives to a prompt: one fixed sentence that quotes the prompt, cut into
/// tokens, with the token ids and statistics Ollama reports alongside.
///
/// With the default five tokens, the prompt `What is a keepalive?` is answered
///
///     ["The Ollama", " stand-in read your", " prompt \"What", " is a keepalive?\"", " and answers it."]
///
/// The same prompt always gives the same text, ids and numbers; only `created_at` changes.
struct CannedGeneration {
    /// What a warm model takes to "load", in nanoseconds.
    static let loadDuration = 12_000_000
    /// Llama 3's chat template around a user prompt: the ids real `context` arrays start and end with.
    static let promptHeader = [128006, 882, 128007, 271]
    static let promptFooter = [128009, 128006, 78191, 128007, 271]

    let tokens: [String]
    let promptTokenCount: Int
    /// Prompt and answer as token ids, which `/api/generate` returns as `context`.
    let context: [Int]
    /// What each token "took"; never 0, so a client dividing by it gets a rate.
    let tokenDuration: Int

    init(prompt: String, tokenCount: Int, tokenDelayMilliseconds: Int) {
        let text = "The Ollama stand-in read your prompt \"\(prompt)\" and answers it."
        tokens = Self.split(text, into: tokenCount)
        let promptIDs = Self.promptHeader + Self.words(prompt).map(Self.tokenID) + Self.promptFooter
        promptTokenCount = promptIDs.count
        context = promptIDs + tokens.map(Self.tokenID)
        tokenDuration = max(tokenDelayMilliseconds, 1) * 1_000_000
    }

    var text: String { tokens.joined() }

    /// The statistics that close every finished answer, in Ollama's order.
    var metrics: [(key: String, value: JSONValue)] {
        let promptDuration = promptTokenCount * 1_000_000
        let evalDuration = tokens.count * tokenDuration
        return [
            ("total_duration", .integer(Self.loadDuration + promptDuration + evalDuration + 500_000)),
            ("load_duration", .integer(Self.loadDuration)),
            ("prompt_eval_count", .integer(promptTokenCount)),
            ("prompt_eval_duration", .integer(promptDuration)),
            ("eval_count", .integer(tokens.count)),
            ("eval_duration", .integer(evalDuration)),
        ]
    }

    /// `text` in `count` pieces of whole words (each with its leading space), as even as possible.
    /// A short text is padded with ` more` words so that no piece is ever empty.
    static func split(_ text: String, into count: Int) -> [String] {
        guard count > 0 else { return [] }
        var pieces = words(text)
        while pieces.count < count { pieces.append(" more") }
        return (0..<count).map { index in
            pieces[index * pieces.count / count ..< (index + 1) * pieces.count / count].joined()
        }
    }

    /// `a b  c` → `["a", " b", "  c"]`: each word carries the spaces before it, as LLM tokens do.
    static func words(_ text: String) -> [String] {
        var words: [String] = []
        var current = ""
        for character in text {
            if character.isWhitespace, let last = current.last, !last.isWhitespace {
                words.append(current)
                current = ""
            }
            current.append(character)
        }
        if !current.isEmpty { words.append(current) }
        return words
    }

    /// A stable stand-in for a vocabulary id (FNV-1a, folded into Llama 3's 128k vocabulary).
    static func tokenID(_ piece: String) -> Int {
        var hash: UInt32 = 2_166_136_261
        for byte in piece.utf8 { hash = (hash ^ UInt32(byte)) &* 16_777_619 }
        return Int(hash % 128_000)
    }
}
