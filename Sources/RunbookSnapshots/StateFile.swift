import FoundationEssentials
import Glibc
import RunbookModel
import RunbookHost

/// A file or directory in the state directory, trusted only as runbook left it: a regular file
/// (or a directory) of the user runbook runs as, that nobody else can read or change. Anything
/// else is refused with a message that names it, never read past: a snapshot runbook cannot read
/// may be the one that undoes the last apply, and a secrets file it cannot read holds keys that
/// services already use.
package struct StateFile {
    package let entry: DirectoryEntry

    package init(_ entry: DirectoryEntry) {
        self.entry = entry
    }

    package var path: String { entry.displayPath }

    /// Whether it is there at all; a link or anything else counts, to be refused when read.
    package var exists: Bool { entry.directory.status(entry.name) != nil }

    /// Its bytes. Checked before it is opened, so a file runbook may not read is refused for what
    /// it is, and again once open, without blocking, so nothing swapped in between is trusted either.
    package func read() throws -> Data {
        if let info = entry.directory.status(entry.name) { try Self.checkPrivate(info, path: path, directory: false) }
        return try FileSystem().read(entry, nonBlocking: true, verifying: { try Self.checkPrivate($0, path: path, directory: false) })
    }

    /// Decodes it as JSON; a file that does not decode is refused with the place it went wrong,
    /// never with its content, which may be a secret.
    package func decode<Value: Decodable>(_ type: Value.Type, as what: String, hint: String) throws -> Value {
        let data = try read()
        do {
            return try JSONDecoder().decode(type, from: data)
        } catch let error as DecodingError {
            throw Self.corrupted(path, "is not \(what): \(Self.describe(error, in: data))", hint: hint)
        }
    }

    /// Refuses what runbook would not have made: another kind of file, another owner, or a mode
    /// that lets anyone else read or change it (runbook makes files 0600 and directories 0700).
    package static func checkPrivate(_ info: stat, path: String, directory: Bool) throws {
        let kind = info.st_mode & S_IFMT
        guard kind == (directory ? S_IFDIR : S_IFREG) else {
            throw corrupted(path, "is \(kindName(kind)), not the \(directory ? "directory" : "file") runbook made"
                                + (kind == S_IFLNK ? " (runbook never follows a link in its state directory)" : ""),
                            hint: "move it out of the state directory; runbook will not guess what it held")
        }
        guard info.st_uid == UserAccounts.effectiveUID else {
            throw corrupted(path, "belongs to \(UserAccounts.name(of: info.st_uid)), not to the user runbook runs as, so someone else could have changed it",
                            hint: "check it, then give it back with chown \(UserAccounts.name(of: UserAccounts.effectiveUID)) \(path)")
        }
        let mode = UInt32(info.st_mode) & 0o7777
        guard mode & 0o077 == 0 else {
            let wanted: UInt32 = directory ? 0o700 : 0o600
            throw corrupted(path, "has mode \(mode.octalMode), so other users could read or change it",
                            hint: "check it, then chmod \(wanted.octalMode) \(path)")
        }
    }

    /// A refusal of a state file, with where it is: the operator inspects that file, and runbook
    /// changes nothing until it is fixed.
    package static func corrupted(_ path: String, _ problem: String, hint: String) -> Diagnostic {
        Diagnostic("\(path.baseName) \(problem)", origin: path, hint: hint)
    }

    /// Where decoding failed (the keys on the way, never a value) and why.
    package static func describe(_ error: DecodingError, in data: Data) -> String {
        let (place, problem): ([any CodingKey], String) = switch error {
        case .dataCorrupted(let context):
            (context.codingPath, data.isEmpty ? "it is empty" : context.codingPath.isEmpty ? "it is not valid JSON, or cut short"
                : "a value is not one runbook writes")
        case .keyNotFound(let key, let context): (context.codingPath, "\(key.stringValue) is missing")
        case .typeMismatch(let type, let context): (context.codingPath, "a value is not \(typeName(type))")
        case .valueNotFound(let type, let context): (context.codingPath, "a value is null, not \(typeName(type))")
        @unknown default: ([], "it does not decode")
        }
        let at = place.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined()
        return at.isEmpty ? problem : "\(problem) at \(at.hasPrefix(".") ? String(at.dropFirst()) : at)"
    }

    private static func typeName(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type, is Int32.Type, is UInt32.Type: "a number"
        case is Bool.Type: "true or false"
        default: String(describing: type).hasPrefix("Array") ? "a list" : "an object"
        }
    }

    private static func kindName(_ kind: mode_t) -> String {
        switch kind {
        case S_IFDIR: "a directory"
        case S_IFREG: "a file"
        case S_IFLNK: "a symbolic link"
        case S_IFIFO: "a FIFO"
        case S_IFSOCK: "a socket"
        default: "a device"
        }
    }
}
