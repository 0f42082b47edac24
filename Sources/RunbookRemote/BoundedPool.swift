import Dispatch

/// Runs one piece of work per item, at most `width` at a time, each on a thread of its own, and
/// returns when all have finished: a fleet's hosts wait on ssh, not on the processor, so the
/// pool is as wide as asked, not as wide as the machine. Each worker is a serial queue, which
/// Dispatch gives a thread of its own even while the others block.
public enum BoundedPool {
    public static func run(count: Int, width: Int, _ work: @escaping @Sendable (Int) -> Void) {
        guard count > 0 else { return }
        let next = Counter()
        let group = DispatchGroup()
        for worker in 0..<min(max(1, width), count) {
            DispatchQueue(label: "runbook.pool.\(worker)").async(group: group) {
                while let index = next.take(below: count) { work(index) }
            }
        }
        group.wait()
    }

    private final class Counter: @unchecked Sendable {
        private var value = 0
        private let queue = DispatchQueue(label: "runbook.pool.counter")

        func take(below limit: Int) -> Int? {
            queue.sync {
                guard value < limit else { return nil }
                defer { value += 1 }
                return value
            }
        }
    }
}
