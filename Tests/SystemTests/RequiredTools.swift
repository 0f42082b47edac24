import Foundation

/// System tests use the real tools. A missing tool fails the test with the way to install it;
/// it never lets the test pass without running.
struct MissingTool: Error, CustomStringConvertible {
    var description: String
}

enum RequiredTools {
    static let packages = ["mount": "mount", "umount": "mount", "nginx": "nginx", "openssl": "openssl", "curl": "curl", "ip": "iproute2",
                           "unshare": "util-linux", "certbot": "certbot", "pebble": "pebble",
                           "pebble-challtestsrv": "pebble"]

    static func require(_ tools: [String]) throws {
        guard geteuid() == 0 else {
            throw MissingTool(description: "system tests need root (network namespaces, bind mounts): run `sudo Tests/run.sh`")
        }
        for tool in tools {
            let found = ["/usr/sbin", "/usr/bin", "/sbin", "/bin"].contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(tool)") }
            if !found {
                throw MissingTool(description: "\(tool) is not installed: run `apt-get install -y \(packages[tool] ?? tool)` (or Tests/run.sh, which installs everything the tests need)")
            }
        }
    }
}
