import Foundation

extension String {
    /// The text's UTF-8 bytes, copied in one go: `Data(text.utf8)` goes through the generic
    /// sequence initializer, whose first use costs a dynamic cast and a metadata lookup.
    var utf8Data: Data {
        var text = self
        return text.withUTF8 { Data(buffer: $0) }
    }
}
