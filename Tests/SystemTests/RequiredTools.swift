import Foundation

/// System tests use the real tools. A missing tool fails the test with the way to install it;
/// it never lets the test pass without running.
struct MissingTool: Error, CustomStringConvertible {
    var description: String
}

enum RequiredTools {
    /// The Debian package that brings each tool.
    static let packages = ["mount": "mount", "umount": "mount", "nginx": "nginx", "openssl": "openssl", "curl": "curl",
                           "ip": "iproute2", "unshare": "util-linux", "nsenter": "util-linux", "certbot": "certbot",
                           "pebble": "pebble", "pebble-challtestsrv": "pebble", "debootstrap": "debootstrap",
                           "systemd-nspawn": "systemd-container", "script": "bsdutils", "ldd": "libc-bin",
                           "timeout": "coreutils", "chroot": "coreutils", "chromium": "chromium", "cmark-gfm": "cmark-gfm",
                           "sshd": "openssh-server", "ssh": "openssh-client", "ssh-keygen": "openssh-client", "ss": "iproute2"]

    static func installCommand(for tool: String) -> String {
        let package = packages[tool] ?? tool
        // systemd-container's recommended libnss-mymachines would edit the host's /etc/nsswitch.conf.
        // chromium's recommended libnss-mdns would edit it too.
        return package == "systemd-container" || package == "chromium" ? "apt-get install -y --no-install-recommends \(package)"
            : "apt-get install -y \(package)"
    }

    static func require(_ tools: [String]) throws {
        guard geteuid() == 0 else {
            throw MissingTool(description: "system tests need root (namespaces, mounts, containers): run `sudo Tests/run.sh`")
        }
        for tool in tools {
            let found = ["/usr/sbin", "/usr/bin", "/sbin", "/bin"].contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)") }
            if !found {
                throw MissingTool(description: "\(tool) is not installed: run `\(installCommand(for: tool))` (or Tests/run.sh, which installs everything the tests need)")
            }
        }
    }
}
