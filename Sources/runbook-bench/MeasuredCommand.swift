/// The `runbook` commands measured on every runbook, and the exit status each must end with (the
/// README's exit-code contract: `plan` says 2 when changes are pending, 0 when there are none).
enum MeasuredCommand: CaseIterable {
    case check
    case planOnFreshRoot
    case applyOnFreshRoot
    case planOnConvergedRoot
    case applyOnConvergedRoot

    var title: String {
        switch self {
        case .check: "check"
        case .planOnFreshRoot: "plan, fresh root"
        case .applyOnFreshRoot: "apply, fresh root"
        case .planOnConvergedRoot: "plan, converged root"
        case .applyOnConvergedRoot: "apply, converged root (no-op)"
        }
    }

    var expectedExit: Int32 {
        self == .planOnFreshRoot ? 2 : 0
    }

    /// The first word of the `runbook` command line.
    var verb: String {
        switch self {
        case .check: "check"
        case .planOnFreshRoot, .planOnConvergedRoot: "plan"
        case .applyOnFreshRoot, .applyOnConvergedRoot: "apply"
        }
    }

    var usesConvergedRoot: Bool {
        self == .planOnConvergedRoot || self == .applyOnConvergedRoot
    }
}
