import FoundationEssentials
import Glibc

/// The packages dpkg lists as installed, read once from its status file rather than by running
/// a process per package.
struct InstalledPackages {
    private var names: Set<String>

    init(host: any Host) throws {
        guard try host.status("/var/lib/dpkg/status") != nil else {
            names = []
            return
        }
        let text = String(decoding: try host.read("/var/lib/dpkg/status"), as: UTF8.self)
        var names: Set<String> = []
        for paragraph in text.components(separatedBy: "\n\n") {
            var package: Substring?
            var installed = false
            for line in paragraph.split(separator: "\n") {
                if line.hasPrefix("Package: ") { package = line.dropFirst(9) }
                if line.hasPrefix("Status: ") { installed = line.hasSuffix(" installed") && line.contains("install ok") }
            }
            if let package, installed {
                names.insert(String(package))
                // Multi-arch packages are also known by NAME:ARCH.
                names.insert(String(package.split(separator: ":").first ?? package))
            }
        }
        self.names = names
    }

    func contains(_ package: String) -> Bool {
        names.contains(package) || names.contains(String(package.split(separator: ":").first ?? ""))
    }
}
