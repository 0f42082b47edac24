import Foundation

/// Validates a JSON document against the subset of JSON Schema that docs/PLAN-JSON.md and
/// docs/JSON.md use: `type`, `required`, `properties`, `items`, `enum`, `pattern` and `$ref` to a
/// name under `definitions`. Stricter than JSON Schema in one way, on purpose: a key the schema
/// doesn't list is a problem, so the document can't fall behind what runbook writes.
public struct JSONSchemaSubset {
    /// A decoded JSON value that keeps booleans and numbers apart.
    public indirect enum Value: Decodable, CustomStringConvertible {
        case object([String: Value]), array([Value]), string(String), bool(Bool), number(Double), null

        public init(from decoder: Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() { self = .null }
            else if let bool = try? container.decode(Bool.self) { self = .bool(bool) }
            else if let number = try? container.decode(Double.self) { self = .number(number) }
            else if let string = try? container.decode(String.self) { self = .string(string) }
            else if let array = try? container.decode([Value].self) { self = .array(array) }
            else { self = .object(try container.decode([String: Value].self)) }
        }

        public var description: String {
            switch self {
            case .object: "an object"
            case .array: "an array"
            case .string(let text): "\"\(text)\""
            case .bool(let value): "\(value)"
            case .number(let value): "\(value)"
            case .null: "null"
            }
        }

        subscript(key: String) -> Value? { if case .object(let members) = self { members[key] } else { nil } }
        var text: String? { if case .string(let text) = self { text } else { nil } }
    }

    let root: Value
    /// Those of every schema block in the file, so that documents described apart share them.
    let definitions: [String: Value]

    /// A ```` ```json schema ```` block of a Markdown file: the one whose `$id` is `id`, or the
    /// first. A file that describes several documents gives each its own block.
    public init(markdown: URL, id: String? = nil) throws {
        var text = try String(contentsOf: markdown, encoding: .utf8)[...]
        var blocks: [Value] = []
        while let start = text.range(of: "```json schema\n"), let end = text.range(of: "\n```", range: start.upperBound..<text.endIndex) {
            blocks.append(try JSONDecoder().decode(Value.self, from: Data(text[start.upperBound..<end.lowerBound].utf8)))
            text = text[end.upperBound...]
        }
        guard let chosen = blocks.first(where: { id == nil || $0["$id"]?.text == id }) else {
            throw SchemaError(description: "\(markdown.path) has no ```json schema block" + (id.map { " with \"$id\": \"\($0)\"" } ?? ""))
        }
        root = chosen
        definitions = blocks.reduce(into: [:]) { all, block in
            if case .object(let named)? = block["definitions"] { all.merge(named) { first, _ in first } }
        }
    }

    struct SchemaError: Error, CustomStringConvertible { var description: String }

    /// Every place where `document` breaks the schema, as `$.chapters[0].steps[1].kind: …`.
    public func problems(in document: Data) throws -> [String] {
        problems(try JSONDecoder().decode(Value.self, from: document), root, at: "$")
    }

    private func problems(_ value: Value, _ schema: Value, at path: String) -> [String] {
        if let name = schema["$ref"]?.text {
            guard let definition = definitions[name] else { return ["\(path): the schema has no definition '\(name)'"] }
            return problems(value, definition, at: path)
        }
        if let type = schema["type"]?.text, !matches(value, type) { return ["\(path): expected \(type), found \(value)"] }
        var found: [String] = []
        if case .array(let allowed)? = schema["enum"], !allowed.contains(where: { $0.description == value.description }) {
            found.append("\(path): \(value) is not one of \(allowed)")
        }
        if let pattern = schema["pattern"]?.text, case .string(let text) = value, text.range(of: pattern, options: .regularExpression) == nil {
            found.append("\(path): \(value) does not match \(pattern)")
        }
        switch value {
        case .object(let members):
            if case .array(let required)? = schema["required"] {
                for key in required.compactMap(\.text) where members[key] == nil { found.append("\(path).\(key): missing") }
            }
            for (key, member) in members.sorted(by: { $0.key < $1.key }) {
                guard let memberSchema = schema["properties"]?[key] else {
                    // An object whose keys are another document's, checked against that one's schema.
                    if case .bool(true)? = schema["additionalProperties"] { continue }
                    found.append("\(path).\(key): not in the documented schema")
                    continue
                }
                found += problems(member, memberSchema, at: "\(path).\(key)")
            }
        case .array(let items):
            if let itemSchema = schema["items"] {
                for (index, item) in items.enumerated() { found += problems(item, itemSchema, at: "\(path)[\(index)]") }
            }
        default:
            break
        }
        return found
    }

    private func matches(_ value: Value, _ type: String) -> Bool {
        switch (type, value) {
        case ("object", .object), ("array", .array), ("string", .string), ("boolean", .bool), ("number", .number): true
        case ("integer", .number(let number)): number == number.rounded()
        default: false
        }
    }
}
