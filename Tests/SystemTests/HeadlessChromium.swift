import Foundation
import RunbookTestSupport
import XCTest

/// Pages loaded in a real headless Chromium, with a profile of their own that the test removes.
enum HeadlessChromium {
    static func run(_ arguments: [String], for test: XCTestCase) throws -> Subprocess.Result {
        try RequiredTools.require(["chromium"])
        let profile = try makeTemporaryDirectory(test, "chromium-profile")
        return try Subprocess.run("/usr/bin/timeout", ["120", "/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu",
                                                         "--user-data-dir=\(profile.path)"] + arguments)
    }
}
