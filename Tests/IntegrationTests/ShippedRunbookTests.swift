import Foundation
import XCTest

/// The shipped Runbook/ under `--root`: it checks clean, plans every chapter on a fresh root,
/// converges in one apply, and rolls back to the fresh tree byte for byte.
final class ShippedRunbookTests: XCTestCase {
    func testCheckPasses() throws {
        let result = try RunbookBinary.run(["check"])
        XCTAssertEqual(result.status, 0, result.all)
        XCTAssertTrue(result.stdout.contains("no problems found"), result.stdout)
    }

    func testEveryTLSModeChecksClean() throws {
        for mode in [["tls=acme", "acme_email=ops@example.com"], ["tls=existing", "tls_certificate=/etc/ssl/mine.pem", "tls_key=/etc/ssl/mine.key"]] {
            let result = try RunbookBinary.run(["check"] + mode.flatMap { ["--var", $0] })
            XCTAssertEqual(result.status, 0, "\(mode): \(result.all)")
        }
    }

    func testFreshRootPlanApplyConvergeRollback() throws {
        let base = try makeTemporaryDirectory(self, "shipped")
        let root = base.appendingPathComponent("root")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        let common = ["--root", root.path, "--state-dir", base.appendingPathComponent("state").path]
        let fresh = try TreeManifest(root)

        let plan = try RunbookBinary.run(["plan"] + common)
        XCTAssertEqual(plan.status, 2, plan.all)
        let chapters = try FileManager.default.contentsOfDirectory(atPath: RunbookBinary.packageRoot.appendingPathComponent("Runbook").path)
            .filter { $0.hasSuffix(".md") && $0 != "README.md" }
        XCTAssertEqual(chapters.count, 8)
        for chapter in chapters {
            XCTAssertTrue(plan.stdout.contains("(Runbook/\(chapter))"), "plan should list \(chapter)")
        }

        let apply = try RunbookBinary.run(["apply"] + common)
        XCTAssertEqual(apply.status, 0, apply.all)
        let keys = try FileManager.default.attributesOfItem(atPath: root.appendingPathComponent("etc/nginx/inference-keys.conf").path)
        XCTAssertEqual(keys[.posixPermissions] as? Int, 0o600, "the file that holds the key is private")
        let replan = try RunbookBinary.run(["plan"] + common)
        XCTAssertEqual(replan.status, 0, replan.all)

        let rollback = try RunbookBinary.run(["rollback"] + common)
        XCTAssertEqual(rollback.status, 0, rollback.all)
        let restored = try TreeManifest(root)
        XCTAssertEqual(restored, fresh, restored.difference(from: fresh))
    }
}
