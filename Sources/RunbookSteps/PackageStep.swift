import RunbookModel
import RunbookHost

/// `package=NAME[,NAME…]`: Debian packages, installed with apt-get when dpkg does not list them.
///
/// ````
/// ```sh package=nginx,curl
/// apt install nginx curl
/// ```
/// ````
/// Rollback never removes packages; it says which ones the apply installed.
public struct PackageStep: ChangingStep {
    package static let definition = StepDefinition(
        StepDescription(kind: StepKind("package"), marker: "package", markerValue: "NAME", attributes: ["notify"],
                        purpose: "Debian packages, installed with apt-get when dpkg does not list them")
    ) { .changing(try PackageStep($0)) }

    public let info: StepInfo
    public let packages: [String]
    public let notifies: [String]

    package init(_ source: StepSource) throws {
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

    public var managedPaths: [ManagedPath] { [] }
    public var isSensitive: Bool { false }

    public func plan(in view: SystemView) throws -> StepPlan {
        let missing = try packages.filter { try !view.isInstalled(package: $0) }
        guard !missing.isEmpty else {
            return StepPlan(step: info, outcome: .unchanged("\(packages.joined(separator: ", ")) already installed"), notifies: notifies)
        }
        return StepPlan(step: info, outcome: .change, changes: [.installPackages(missing)], notifies: notifies)
    }
}
