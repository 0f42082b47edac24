import Glibc

/// This benchmark process's own memory, as far as it leaks into the children it measures.
///
/// A child spawned with `posix_spawn` shares our address space until it calls `exec`, and Linux
/// records that address space's peak resident size in the child's `ru_maxrss`. With no care, every
/// child would report at least the largest our process ever was (a 10 MB chapter, say). Resetting
/// our high-water mark just before each spawn (`/proc/self/clear_refs`, value 5) brings that
/// down to our current resident size, which is then the smallest figure a child can report.
enum LauncherMemory {
    /// Resets this process's peak resident size to its current one. Best effort: without
    /// `/proc` the figures are only less tight, and ``residentKiB()`` still says by how much.
    static func resetPeakResident() {
        let descriptor = open("/proc/self/clear_refs", O_WRONLY)
        guard descriptor >= 0 else { return }
        _ = write(descriptor, "5", 1)
        close(descriptor)
    }

    /// The current resident set size, from `/proc/self/statm` (pages), in KiB; 0 when unreadable.
    static func residentKiB() -> Int {
        let descriptor = open("/proc/self/statm", O_RDONLY)
        guard descriptor >= 0 else { return 0 }
        defer { close(descriptor) }
        var buffer = [UInt8](repeating: 0, count: 128)
        let count = read(descriptor, &buffer, buffer.count)
        guard count > 0 else { return 0 }
        // "size resident shared text lib data dt": the second field.
        let fields = buffer[..<count].split(separator: UInt8(ascii: " "))
        guard fields.count > 1, let pages = Int(String(decoding: fields[1], as: UTF8.self)) else { return 0 }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE))) / 1024
    }
}
