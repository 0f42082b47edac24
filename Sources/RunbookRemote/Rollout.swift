import RunbookModel
import RunbookHost

/// How an apply goes through a fleet: `--serial 1,25%,100%` in batches (the first of 1 host,
/// then a quarter of the fleet, then all the rest; the last size repeats until every host had its
/// turn), each batch only after the one before it went well, where `--max-fail N|N%` says how many
/// of a batch's hosts may fail (or be unreachable, or locked) before the batches after it are
/// called off. Without `--serial` the whole fleet is one batch.
public struct Rollout: Sendable, Equatable {
    public enum Size: Sendable, Equatable {
        case hosts(Int)
        case percent(Int)

        func count(of total: Int) -> Int {
            switch self {
            case .hosts(let count): count
            case .percent(let percent): max(1, total * percent / 100)
            }
        }
    }

    public var batchSizes: [Size]
    public var maxFail: Size

    /// Why a --serial or --max-fail word is not a size, and what one looks like.
    public struct Invalid: Error, Sendable {
        public var message: String
        public var hint: String
    }

    public init(serial: String?, maxFail: String?) throws(Invalid) {
        var sizes: [Size] = []
        for word in serial?.split(separator: ",", omittingEmptySubsequences: false) ?? [] {
            sizes.append(try Self.size(String(word), flag: "--serial", allowsZero: false))
        }
        batchSizes = sizes.isEmpty ? [.percent(100)] : sizes
        if let maxFail { self.maxFail = try Self.size(maxFail, flag: "--max-fail", allowsZero: true) } else { self.maxFail = .hosts(0) }
    }

    /// `3` or `25%`: hosts, or a share of the fleet (of the batch, for --max-fail).
    private static func size(_ word: String, flag: String, allowsZero: Bool) throws(Invalid) -> Size {
        let least = allowsZero ? 0 : 1
        if word.hasSuffix("%"), let percent = Int(word.dropLast()), (least...100).contains(percent) { return .percent(percent) }
        if let count = Int(word), count >= least { return .hosts(count) }
        throw Invalid(message: "\(flag) takes a number of hosts or a percentage, not \(Diagnostic.shown(word))",
                      hint: flag == "--serial" ? "for a canary first: --serial 1,25%,100%" : "for example --max-fail 0 or --max-fail 10%")
    }

    /// The hosts' indices, batch by batch.
    public func batches(of total: Int) -> [Range<Int>] {
        var batches: [Range<Int>] = []
        var start = 0
        var sizes = batchSizes[...]
        while start < total {
            let size = (sizes.count > 1 ? sizes.popFirst()! : sizes.first!).count(of: total)
            let end = min(total, start + max(1, size))
            batches.append(start..<end)
            start = end
        }
        return batches
    }

    /// Whether `failed` of a batch of `size` hosts calls off the batches after it.
    public func stops(after failed: Int, of size: Int) -> Bool {
        let tolerated = switch maxFail {
        case .hosts(let count): count
        case .percent(let percent): size * percent / 100
        }
        return failed > tolerated
    }
}
