import ESLProtocol

/// A bounded FIFO between the reader thread and a consumer.
///
/// The reader must never wait long for the consumer: FreeSWITCH kills a listener whose queue
/// overflows, so a slow terminal must not back-pressure the socket. Bounded twice: in messages
/// (`capacity`) and in bytes (`byteBudget`, by each message's `footprint`), since a frame can be 16 MiB
/// and ten thousand of them would not fit in any memory. When either is full, the oldest message is
/// dropped and counted (a message larger than the whole budget is still kept, alone); the consumer receives a `.dropped(n)` marker in its place, so a loss is never
/// silent. A consumer that is taking messages but has fallen behind for a moment (its thread was
/// descheduled) gets a short pause of the reader instead (`Pacing`): the kernel's socket buffer holds
/// the difference, and memory stays near the pause mark rather than the capacity.
public final class InboundQueue: @unchecked Sendable {
    /// When the reader pauses for the consumer: above `pauseAbove` events and log lines (or half the byte budget),
    /// while the consumer has taken one within `activeWithin`, until the depth is down to `resumeAt` (and
    /// a quarter of the budget) or `longestPause` has passed,
    /// and for at most `share` of the time (so a consumer that is slower for good still ends in drops,
    /// not in a stalled socket).
    public struct Pacing: Sendable {
        public var pauseAbove: Int
        public var resumeAt: Int
        public var longestPause: Duration
        public var activeWithin: Duration
        public var share: Double

        public init(pauseAbove: Int = 256, resumeAt: Int = 64, longestPause: Duration = .milliseconds(2),
                    activeWithin: Duration = .milliseconds(50), share: Double = 0.1) {
            // Clamped: the pause arithmetic is in unsigned nanoseconds.
            self.pauseAbove = max(0, pauseAbove)
            self.resumeAt = min(max(0, resumeAt), self.pauseAbove)
            self.longestPause = min(max(.zero, longestPause), .seconds(3600))
            self.activeWithin = min(max(.zero, activeWithin), .seconds(3600))
            self.share = share.isFinite ? min(max(0, share), 1) : 0
        }
    }

    /// The default bound in bytes: room for thousands of ordinary events (2 KB each) or 256 of 256 KiB,
    /// far below what a machine running a switch can spare (docs/ARCHITECTURE.md, "Buffers in bytes").
    public static let defaultBytes = 64 << 20
    /// At most this many bytes leave the queue in one `nextBatch`: a consumer blocked on a full output
    /// holds its batch outside the budget.
    public static let batchBytes = 4 << 20

    public let capacity: Int
    public let byteBudget: Int
    private let pacing: Pacing
    private let monitor = Monitor()
    private var ring: [Entry?]
    private struct Entry {
        var message: Message
        var bytes: Int
    }
    /// The footprints of the messages waiting now.
    private var bytes = 0
    private var head = 0
    private var count = 0
    /// The events and log lines the messages in the ring stand for (`Message.itemCount`).
    private var held = 0
    private var droppedSinceLastPop = 0
    private var droppedTotalCount = 0
    private var end: ConnectionError?
    private var endDelivered = false
    private let onPush: (@Sendable () -> Void)?
    /// When the consumer last took a message (monotonic nanoseconds). It starts as the queue's
    /// creation: a consumer still setting up (sending its subscriptions) counts as active at first.
    private var lastTake = Deadline.now().nanoseconds
    /// Pause time the reader may still spend (nanoseconds), refilled at `share` of the time passing.
    private var pauseAllowance: UInt64 = 0
    private var allowanceUpdated: UInt64 = 0
    private var producerPaused = false

    /// `onPush` runs on the producer's thread after each push (e.g. to wake a poll loop); keep it short.
    public init(capacity: Int = 10_000, bytes: Int = InboundQueue.defaultBytes, pacing: Pacing = Pacing(), onPush: (@Sendable () -> Void)? = nil) {
        self.capacity = max(1, capacity)
        self.byteBudget = max(1, bytes)
        self.pacing = pacing
        // The ring grows on demand up to `capacity`, from nothing: a one-shot command that sees only
        // replies should not pay for room for events at start-up (zeroing, faulting in, and the first
        // use of the `[Entry?]` array type, which the Swift runtime instantiates).
        self.ring = []
        self.onPush = onPush
    }

    public var droppedTotal: Int { monitor.withLock { droppedTotalCount } }

    /// Messages waiting now.
    var depth: Int { monitor.withLock { count } }

    /// Their footprints, in bytes.
    var depthBytes: Int { monitor.withLock { bytes } }

    func push(_ message: Message) {
        push(CollectionOfOne(message))
    }

    /// Several messages under one lock and one wake-up: the reader hands over everything one read
    /// decoded, so a consumer that keeps up is not woken per event.
    /// `pace: false`: never pause (see `Pacing`).
    func push<Messages: Collection<Message>>(_ messages: Messages, pace: Bool = true) {
        guard !messages.isEmpty else { return }
        // Measured before the lock: the consumer does not wait for it.
        let sizes = messages.map(\.footprint)
        let deep = monitor.withLock { () -> Bool in
            for (message, size) in zip(messages, sizes) {
                // The capacity counts events and log lines, whether they come one by one or in runs.
                let items = min(message.itemCount, capacity)
                while count > 0, held + items > capacity || bytes + size > byteBudget {
                    let oldest = ring[head]!
                    let lost = oldest.message.itemCount
                    bytes -= oldest.bytes
                    ring[head] = nil
                    head = (head + 1) % ring.count
                    count -= 1
                    held -= min(lost, capacity)
                    droppedSinceLastPop += lost
                    droppedTotalCount += lost
                }
                if count == ring.count, ring.count < capacity { grow() }
                ring[(head + count) % ring.count] = Entry(message: message, bytes: size)
                count += 1
                held += items
                bytes += size
            }
            monitor.broadcast()
            // In events and log lines, as the capacity: a run of thirty plain events is thirty, or the
            // reader would run 256 runs (7,500 events) ahead before a pause and memory would follow.
            return held > pacing.pauseAbove || bytes > byteBudget / 2
        }
        onPush?()  // before any pause: it may be what wakes the consumer
        if deep, pace { pause() }
    }

    /// Waits a little for a consumer that is taking messages; see `Pacing`.
    private func pause() {
        monitor.withLock {
            let now = Deadline.now().nanoseconds
            guard now &- lastTake <= Deadline.nanoseconds(pacing.activeWithin) else { return }
            // A token bucket: pauses add up to at most `share` of the time, plus a burst of five.
            let longest = Deadline.nanoseconds(pacing.longestPause)
            let burst = longest &* 5
            let refill = allowanceUpdated == 0 ? burst : UInt64(Double(now &- allowanceUpdated) * pacing.share)
            pauseAllowance = min(burst, pauseAllowance &+ refill)
            allowanceUpdated = now
            guard pauseAllowance > 0 else { return }
            let until = Deadline(nanoseconds: now + min(longest, pauseAllowance))
            producerPaused = true
            while !shallowLocked, end == nil, monitor.wait(until: until) {}
            producerPaused = false
            let paused = Deadline.now().nanoseconds &- now
            pauseAllowance = pauseAllowance > paused ? pauseAllowance - paused : 0
        }
    }

    /// After the consumer took something (the lock held): note it, and wake a paused producer once
    /// the depth is down to the resume mark.
    private func tookLocked() {
        lastTake = Deadline.now().nanoseconds
        if producerPaused, shallowLocked { monitor.broadcast() }
    }

    /// Down to the resume mark, in events and log lines and in bytes (a quarter of the budget).
    private var shallowLocked: Bool { held <= pacing.resumeAt && bytes <= byteBudget / 4 }

    func close(_ reason: ConnectionError) {
        monitor.withLock {
            if end == nil { end = reason }
            monitor.broadcast()
        }
        onPush?()
    }

    /// Set by a connection without a reader thread (`ConnectOptions.Reading.waiter`): waiting for an
    /// item reads the socket on the waiting thread.
    /// Weak: the connection holds the queue.
    nonisolated(unsafe) weak var reading: WaiterReading?

    /// The next item; waits until the deadline (nil: forever). Returns nil on timeout, and after
    /// `.closed` has been delivered once.
    public func next(until deadline: Deadline? = nil) -> Inbound? {
        if let reading {
            while true {
                if let item = poll() { return item }
                if !reading.readForWaiter(until: deadline) { return poll() }
            }
        }
        return monitor.withLock {
            while true {
                if let item = popLocked() {
                    tookLocked()
                    return item
                }
                if end != nil, endDelivered { return nil }
                if !monitor.wait(until: deadline) {
                    let item = popLocked()
                    if item != nil { tookLocked() }
                    return item
                }
            }
        }
    }

    /// The next item if one is ready.
    public func poll() -> Inbound? {
        monitor.withLock {
            let item = popLocked()
            if item != nil { tookLocked() }
            return item
        }
    }

    /// Up to `limit` ready items under one lock, waiting until the deadline when there are none: a
    /// consumer that keeps up takes events in batches instead of paying a lock per event.
    public func nextBatch(limit: Int, until deadline: Deadline?) -> [Inbound] {
        if let reading {
            var batch: [Inbound] = []
            while true {
                while batch.count < limit, let item = poll() { batch.append(item) }
                if !batch.isEmpty { return batch }
                if !reading.readForWaiter(until: deadline) {
                    while batch.count < limit, let item = poll() { batch.append(item) }
                    return batch
                }
            }
        }
        return monitor.withLock {
            var batch: [Inbound] = []
            var taken = 0
            defer { if !batch.isEmpty { tookLocked() } }
            while true {
                while batch.count < limit, taken < Self.batchBytes, let item = popLocked(taken: &taken) { batch.append(item) }
                if !batch.isEmpty || (end != nil && endDelivered) { return batch }
                if !monitor.wait(until: deadline) {
                    while batch.count < limit, taken < Self.batchBytes, let item = popLocked(taken: &taken) { batch.append(item) }
                    return batch
                }
            }
        }
    }

    /// Doubles the ring (at most to `capacity`; the first push makes room for 64), oldest message
    /// first. Called with the lock held.
    private func grow() {
        let size = min(capacity, max(64, ring.count * 2))
        var larger: [Entry?] = []
        larger.reserveCapacity(size)
        for offset in 0..<count { larger.append(ring[(head + offset) % ring.count]) }
        larger.append(contentsOf: repeatElement(nil, count: size - count))
        ring = larger
        head = 0
    }

    /// `taken`: the footprint of what was popped is added to it.
    private func popLocked(taken: inout Int) -> Inbound? {
        if droppedSinceLastPop > 0 {
            defer { droppedSinceLastPop = 0 }
            return .dropped(droppedSinceLastPop)
        }
        if count > 0 {
            let entry = ring[head]!
            ring[head] = nil
            head = (head + 1) % ring.count
            count -= 1
            held -= min(entry.message.itemCount, capacity)
            bytes -= entry.bytes
            taken += entry.bytes
            return .message(entry.message)
        }
        if let end, !endDelivered {
            endDelivered = true
            return .closed(end)
        }
        return nil
    }

    private func popLocked() -> Inbound? {
        var taken = 0
        return popLocked(taken: &taken)
    }
}
