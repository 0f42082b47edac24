/// The one model the stand-in claims to have pulled, as `GET /api/tags` lists it.
///
/// Generation accepts any model name; the catalog only has to look like a server on which
/// `ollama pull llama3.2:3b` has run.
enum ModelCatalog {
    static let tags: JSONValue = [
        "models": [
            [
                "name": "llama3.2:3b",
                "model": "llama3.2:3b",
                "modified_at": "2025-01-20T10:12:45.123456789Z",
                "size": 2_019_393_189,
                "digest": "a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72",
                "details": [
                    "parent_model": "",
                    "format": "gguf",
                    "family": "llama",
                    "families": ["llama"],
                    "parameter_size": "3.2B",
                    "quantization_level": "Q4_K_M",
                ],
            ],
        ],
    ]
}
