/// Random bytes from the kernel, for generated secrets and plan ids.
package enum Randomness {
    /// `bytes` random bytes as lowercase hexadecimal.
    package static func hex(bytes: Int) -> String {
        var generator = SystemRandomNumberGenerator()
        return hexadecimal((0..<bytes).map { _ in UInt8.random(in: 0...255, using: &generator) })
    }
}
