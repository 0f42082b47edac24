/// Lower-case hexadecimal digits, two per byte: snapshot blob names and generated secrets.
/// Written out by hand because `String(format:)` pays for a C variadic call and a dynamic cast.
func hexadecimal<Bytes: Sequence<UInt8>>(_ bytes: Bytes) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    text.reserveCapacity(bytes.underestimatedCount * 2)
    for byte in bytes {
        text.append(digits[Int(byte >> 4)])
        text.append(digits[Int(byte & 0x0F)])
    }
    return String(decoding: text, as: UTF8.self)
}
