import FoundationEssentials
import Glibc

/// Writes all of `bytes` to an open descriptor, through short writes and interruptions.
/// Returns the `errno` of a write that failed, or nil when everything was written.
package func writeFully(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer) -> Int32? {
    var offset = 0
    while offset < bytes.count {
        let written = write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
        if written < 0 {
            if errno == EINTR { continue }
            return errno
        }
        offset += written
    }
    return nil
}

/// Writes all of `text`'s UTF-8 bytes; a write that fails loses the rest, as it would for any command.
@discardableResult
package func writeFully(_ descriptor: Int32, _ text: String) -> Int32? {
    var text = text
    return text.withUTF8 { writeFully(descriptor, UnsafeRawBufferPointer($0)) }
}

/// Reads an open descriptor to its end, through short reads and interruptions. nil when it holds
/// more than `limit` bytes or a read fails: a caller that reads a request must not be made to
/// hold an endless one.
package func readToEnd(_ descriptor: Int32, limit: Int) -> Data? {
    var collected = Data()
    var buffer = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = read(descriptor, &buffer, buffer.count)
        if count < 0 {
            if errno == EINTR { continue }
            return nil
        }
        if count == 0 { return collected }
        collected.append(contentsOf: buffer[0..<count])
        if collected.count > limit { return nil }
    }
}
