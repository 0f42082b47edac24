import FoundationEssentials
import RunbookModel
import RunbookHost

/// A runbook folder as it travels to a server: the top-level files of the folder, which is all
/// a runbook reads, as a POSIX ustar stream.
///
/// The stream is deterministic (names sorted, mode 0644, owner 0, time 0), so its SHA-256 is the
/// content hash of the folder: two folders with the same files travel as the same bytes. The
/// reading side takes regular files with plain names only, so a crafted stream cannot write
/// outside the directory it is unpacked in.
public struct RunbookArchive: Sendable, Equatable {
    public let bytes: Data
    public var sha256: String { SHA256.hex(bytes) }

    private static let block = 512

    public init(bytes: Data) {
        self.bytes = bytes
    }

    /// No file: what `snapshots`, which reads no runbook, sends.
    public static let empty = RunbookArchive(bytes: Data(count: 2 * block))

    /// Every regular, non-hidden file at the top of `directory`.
    public static func make(directory: String) throws -> RunbookArchive {
        let names = try FileManager.default.contentsOfDirectory(atPath: directory)
            .filter { !$0.hasPrefix(".") }
            .sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        var bytes = Data()
        for name in names {
            let path = "\(directory)/\(name)"
            // Read as the loader reads the folder: what the runbook is made of, on this machine.
            guard try FileManager.default.attributesOfItem(atPath: path)[.type] as? FileAttributeType == .typeRegular else { continue }
            guard name.utf8.count <= 100 else {
                throw Diagnostic("the runbook file \(name) has a name longer than 100 bytes, which cannot be sent to a server",
                                 origin: "--runbook \(directory)", hint: "give it a shorter name")
            }
            let content = try Data(contentsOf: URL(fileURLWithPath: path))
            bytes += header(name: name, size: content.count) + content
            bytes += Data(count: (block - content.count % block) % block)
        }
        return RunbookArchive(bytes: bytes + Data(count: 2 * block))
    }

    /// Writes every file of the stream into `directory` (absolute, and new: the agent's private one).
    public func unpack(into directory: String) throws {
        var offset = 0
        let all = [UInt8](bytes)
        while offset + Self.block <= all.count {
            let header = Array(all[offset..<offset + Self.block])
            if header.allSatisfy({ $0 == 0 }) { return }
            let name = Self.field(header, 0, 100)
            guard Self.checksum(header) == Int(Self.field(header, 148, 8).trimmingBlanks(), radix: 8),
                  let size = Int(Self.field(header, 124, 12).trimmingBlanks(), radix: 8) else {
                throw Self.damaged("a header at byte \(offset) is damaged")
            }
            guard header[156] == UInt8(ascii: "0") || header[156] == 0 else { throw Self.damaged("\(name) is not a regular file") }
            guard !name.isEmpty, name != ".", name != "..", !name.contains("/"), !name.hasPrefix(".") else {
                throw Self.damaged("the name \(Diagnostic.shown(name)) is not a plain file name")
            }
            let start = offset + Self.block
            guard start + size <= all.count else { throw Self.damaged("\(name) is cut short") }
            try LiveHost().writeAtomically("\(directory)/\(name)", data: Data(all[start..<start + size]), mode: 0o600)
            offset = start + (size + Self.block - 1) / Self.block * Self.block
        }
        throw Self.damaged("it has no end marker")
    }

    private static func damaged(_ why: String) -> Diagnostic {
        Diagnostic("the runbook received from the controller is damaged: \(why)", origin: "runbook agent",
                   hint: "run the command again; if it persists, the controller and this host run different runbook versions")
    }

    private static func header(name: String, size: Int) -> Data {
        var header = [UInt8](repeating: 0, count: block)
        func put(_ text: String, at offset: Int) {
            for (index, byte) in text.utf8.enumerated() { header[offset + index] = byte }
        }
        put(name, at: 0)
        put("0000644", at: 100)
        put("0000000", at: 108)
        put("0000000", at: 116)
        put(String(repeating: "0", count: 11 - String(size, radix: 8).count) + String(size, radix: 8), at: 124)
        put("00000000000", at: 136)
        header[156] = UInt8(ascii: "0")
        put("ustar", at: 257)
        put("00", at: 263)
        let sum = String(checksum(header), radix: 8)
        put(String(repeating: "0", count: 6 - sum.count) + sum, at: 148)
        header[155] = UInt8(ascii: " ")
        return Data(header)
    }

    /// The sum of the header's bytes with the checksum field counted as spaces.
    private static func checksum(_ header: [UInt8]) -> Int {
        header.enumerated().reduce(0) { sum, item in sum + ((148..<156).contains(item.offset) ? 32 : Int(item.element)) }
    }

    private static func field(_ header: [UInt8], _ offset: Int, _ length: Int) -> String {
        String(decoding: header[offset..<offset + length].prefix { $0 != 0 }, as: UTF8.self)
    }
}
