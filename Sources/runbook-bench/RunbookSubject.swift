/// Which runbook a case runs: one generated with a number of steps, or the shipped `Runbook/`.
enum RunbookSubject: Equatable {
    case synthetic(steps: Int)
    case shipped

    var label: String {
        switch self {
        case .synthetic(let steps): "\(MeasurementFormat.count(steps)) steps"
        case .shipped: "shipped Runbook/"
        }
    }
}
