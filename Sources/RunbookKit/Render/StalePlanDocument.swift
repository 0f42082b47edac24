/// `kind: "stalePlan"`: `apply FILE --json` refused the saved plan (exit 3), one item per thing
/// that changed since it was made. Versioned by the rules of docs/JSON.md.
struct StalePlanDocument: Encodable {
    let formatVersion = "1.0"
    let kind = "stalePlan"
    var file: String
    var stale: [String]
    var hint: String
}
