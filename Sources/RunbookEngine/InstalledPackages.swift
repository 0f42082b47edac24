import FoundationEssentials
import Glibc
import RunbookSteps
import RunbookSnapshots
import RunbookModel
import RunbookHost

/// The packages dpkg lists as installed, read once from its status file rather than by running
/// a process per package.
package struct InstalledPackages {
    private var names: Set<String>

    package init(host: any HostFacts) throws {
        guard try host.status("/var/lib/dpkg/status") != nil else {
            names = []
            return
        }
        // Lines are found on the bytes: the file runs to megabytes, too much to split by Character.
        let status = [UInt8](try host.read("/var/lib/dpkg/status"))
        var names: Set<String> = []
        var package: ArraySlice<UInt8>?
        var installed = false
        // An empty line ends a paragraph; one more at the end ends the last.
        for line in status.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false) + [[]] {
            if line.isEmpty {
                if let package, installed {
                    let name = String(decoding: package, as: UTF8.self)
                    names.insert(name)
                    // Multi-arch packages are also known by NAME:ARCH.
                    names.insert(String(name.split(separator: ":").first ?? Substring(name)))
                }
                package = nil
                installed = false
            } else if line.starts(with: "Package: ".utf8) {
                package = line.dropFirst(9)
            } else if line.starts(with: "Status: ".utf8) {
                // "Status: WANT FLAG STATE": installed whatever is wanted of it (a held package is still there).
                let words = line.split(separator: UInt8(ascii: " "))
                installed = words.count == 4 && words[3].elementsEqual("installed".utf8)
            }
        }
        self.names = names
    }

    package func contains(_ package: String) -> Bool {
        names.contains(package) || names.contains(String(package.split(separator: ":").first ?? ""))
    }
}
