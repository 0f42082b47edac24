/// `package=NAME[,NAME…]`: Debian packages, installed with apt-get when dpkg does not list them.
///
/// ````
/// ```sh package=nginx,curl
/// apt install nginx curl
/// ```
/// ````
/// Rollback never removes packages; it says which ones the apply installed.
public struct PackageStep: ChangingStep {
    public let info: StepInfo
    public let packages: [String]
    public let notifies: [String]

    init(_ source: StepSource) throws {
        packages = try source.list("package")
        let allowed = Set("abcdefghijklmnopqrstuvwxyz0123456789+-.:")
        if let bad = packages.first(where: { name in
            !name.allSatisfy(allowed.contains) || !(name.first.map { $0.isASCII && ($0.isLowercase || $0.isNumber) } ?? false)
        }) {
            throw Diagnostic("'\(bad)' is not a Debian package name", at: source.location("package"),
                             hint: "names are lowercase letters, digits and + - .")
        }
        info = source.info("package \(packages.joined(separator: ", "))")
        notifies = try source.list("notify")
        let expected = "apt install \(packages.joined(separator: " "))"
        guard var words = ShownCommand.words(try source.body()), words.count >= 2,
              ["apt", "apt-get"].contains(words[0]), words[1] == "install" else {
            throw ShownCommand.mismatch(source.block, expected: expected)
        }
        words.removeFirst(2)
        guard words.allSatisfy({ !$0.hasPrefix("-") || ["-y", "--yes", "-q", "--no-install-recommends"].contains($0) }),
              Set(words.filter { !$0.hasPrefix("-") }) == Set(packages) else {
            throw ShownCommand.mismatch(source.block, expected: expected)
        }
    }

    public func plan(in view: SystemView) throws -> StepPlan {
        guard view.host.runsProcesses else {
            return StepPlan(step: info, outcome: .skipped("--root: packages are not installed"),
                            details: ["would make sure \(packages.joined(separator: ", ")) \(packages.count == 1 ? "is" : "are") installed"])
        }
        let missing = try packages.filter { try !view.isInstalled(package: $0) }
        guard !missing.isEmpty else {
            return StepPlan(step: info, outcome: .unchanged("\(packages.joined(separator: ", ")) already installed"), notifies: notifies)
        }
        return StepPlan(step: info, outcome: .change, changes: [.installPackages(missing)],
                        details: ["install \(missing.joined(separator: ", ")) with apt-get"], notifies: notifies)
    }
}
