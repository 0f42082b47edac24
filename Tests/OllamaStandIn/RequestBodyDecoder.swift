#if canImport(FoundationEssentials)
// Essentials alone has JSONDecoder; full Foundation would add ICU's tens of megabytes to the static binary.
import FoundationEssentials
#else
import Foundation
#endif

/// Turns a request body into one of the request types, with the `400` message Ollama would give.
///
/// An empty body is `missing request body`, as in Ollama; anything that is not JSON, or has a field
/// of the wrong type, is described in one line.
enum RequestBodyDecoder {
    static func decode<Request: Decodable>(_ type: Request.Type, from body: [UInt8]) -> Result<Request, DecodeFailure> {
        if body.allSatisfy({ $0 == 32 || $0 == 9 || $0 == 10 || $0 == 13 }) {
            return .failure(DecodeFailure(message: "missing request body"))
        }
        do {
            return .success(try JSONDecoder().decode(type, from: Data(body)))
        } catch DecodingError.typeMismatch(_, let context) {
            // messages[0].content, not "messages.Index 0.content"
            let field = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().dropFirst()
            if field.isEmpty { return .failure(DecodeFailure(message: "the request body must be a JSON object")) }
            return .failure(DecodeFailure(message: "field \"\(field)\" has the wrong type: \(context.debugDescription)"))
        } catch {
            return .failure(DecodeFailure(message: "invalid JSON in request body"))
        }
    }

    /// The message for the `{"error": ...}` body.
    struct DecodeFailure: Error {
        var message: String
    }
}
