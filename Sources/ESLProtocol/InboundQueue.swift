/// What the reader hands to the consumer, in arrival order.
public enum Inbound: Sendable, Equatable {
    case message(Message)
    /// This many messages were dropped here because the consumer fell behind.
    case dropped(Int)
    /// The connection ended; nothing follows.
    case closed(ConnectionError)
}

/// A bounded FIFO between the reader thread and a consumer.
///
/// The reader must never wait for the consumer: FreeSWITCH kills a listener whose queue overflows, so
/// a slow terminal must not back-pressure the socket. When full, the oldest message is dropped and
/// counted; the consumer receives a `.dropped(n)` marker in its place, so a loss is never silent.
public final class InboundQueue: @unchecked Sendable {
    public let capacity: Int
    private let monitor = Monitor()
    private var ring: [Message?]
    private var head = 0
    private var count = 0
    private var droppedSinceLastPop = 0
    private var droppedTotalCount = 0
    private var end: ConnectionError?
    private var endDelivered = false
    private let onPush: (@Sendable () -> Void)?

    /// `onPush` runs on the producer's thread after each push (e.g. to wake a poll loop); keep it short.
    public init(capacity: Int = 10_000, onPush: (@Sendable () -> Void)? = nil) {
        self.capacity = max(1, capacity)
        // The ring grows on demand up to `capacity`: a one-shot command that sees three replies should
        // not pay for zeroing (and faulting in) room for ten thousand events at start-up.
        self.ring = Array(repeating: nil, count: min(self.capacity, 64))
        self.onPush = onPush
    }

    public var droppedTotal: Int { monitor.withLock { droppedTotalCount } }

    func push(_ message: Message) {
        push(CollectionOfOne(message))
    }

    /// Several messages under one lock and one wake-up: the reader hands over everything one read
    /// decoded, so a consumer that keeps up is not woken per event.
    func push<Messages: Collection<Message>>(_ messages: Messages) {
        guard !messages.isEmpty else { return }
        monitor.withLock {
            for message in messages {
                if count == ring.count, ring.count < capacity { grow() }
                if count == capacity {
                    ring[head] = nil
                    head = (head + 1) % ring.count
                    count -= 1
                    droppedSinceLastPop += 1
                    droppedTotalCount += 1
                }
                ring[(head + count) % ring.count] = message
                count += 1
            }
            monitor.broadcast()
        }
        onPush?()
    }

    func close(_ reason: ConnectionError) {
        monitor.withLock {
            if end == nil { end = reason }
            monitor.broadcast()
        }
        onPush?()
    }

    /// The next item; waits until the deadline (nil: forever). Returns nil on timeout, and after
    /// `.closed` has been delivered once.
    public func next(until deadline: Deadline? = nil) -> Inbound? {
        monitor.withLock {
            while true {
                if let item = popLocked() { return item }
                if end != nil, endDelivered { return nil }
                if !monitor.wait(until: deadline) { return popLocked() }
            }
        }
    }

    /// The next item if one is ready.
    public func poll() -> Inbound? { monitor.withLock { popLocked() } }

    /// Up to `limit` ready items under one lock, waiting until the deadline when there are none: a
    /// consumer that keeps up takes events in batches instead of paying a lock per event.
    public func nextBatch(limit: Int, until deadline: Deadline?) -> [Inbound] {
        monitor.withLock {
            var batch: [Inbound] = []
            while true {
                while batch.count < limit, let item = popLocked() { batch.append(item) }
                if !batch.isEmpty || (end != nil && endDelivered) { return batch }
                if !monitor.wait(until: deadline) {
                    while batch.count < limit, let item = popLocked() { batch.append(item) }
                    return batch
                }
            }
        }
    }

    /// Doubles the ring (at most to `capacity`), oldest message first. Called with the lock held.
    private func grow() {
        var larger: [Message?] = []
        larger.reserveCapacity(min(capacity, ring.count * 2))
        for offset in 0..<count { larger.append(ring[(head + offset) % ring.count]) }
        larger.append(contentsOf: repeatElement(nil, count: min(capacity, ring.count * 2) - count))
        ring = larger
        head = 0
    }

    private func popLocked() -> Inbound? {
        if droppedSinceLastPop > 0 {
            defer { droppedSinceLastPop = 0 }
            return .dropped(droppedSinceLastPop)
        }
        if count > 0 {
            let message = ring[head]!
            ring[head] = nil
            head = (head + 1) % ring.count
            count -= 1
            return .message(message)
        }
        if let end, !endDelivered {
            endDelivered = true
            return .closed(end)
        }
        return nil
    }
}
