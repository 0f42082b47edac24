/// Lower-case hexadecimal digits, two per byte: snapshot blob names and generated secrets.
/// Written out by hand because `String(format:)` pays for a C variadic call and a dynamic cast.
package func hexadecimal<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    text.reserveCapacity(bytes.underestimatedCount * 2)
    for byte in bytes {
        text.append(digits[Int(byte >> 4)])
        text.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: text, as: UTF8.self)
}

/// Whether every byte is one of the digits ``hexadecimal(_:)`` writes: a blob name or a
/// generated secret read back from the state directory must be one runbook made.
package func isLowercaseHexadecimal<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> Bool {
    bytes.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
}
