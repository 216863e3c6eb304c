@testable import ESLClient
import ESLProtocol
import Testing

/// The inbound queue's bound in bytes (issue 14, class 4), beside its bound in messages.
@Suite struct InboundQueueBudgetTests {
    /// A decoded plain event of about `size` bytes.
    static func event(_ sequence: Int, size: Int) -> Message {
        let body = "Event-Name: CUSTOM\nEvent-Sequence: \(sequence)\nX-Big: " + String(repeating: "a", count: size) + "\n\n"
        return Message(frame: Frame(headers: ["Content-Type": "text/event-plain"], body: Array(body.utf8)))
    }

    static func sequences(_ queue: InboundQueue) -> [String] {
        var items: [String] = []
        while let item = queue.poll() {
            switch item {
            case .dropped(let count): items.append("dropped \(count)")
            case .message(.event(let event, _)): items.append(event["Event-Sequence"] ?? "?")
            default: items.append("?")
            }
        }
        return items
    }

    @Test func aFootprintIsAboutTheBytesHeld() {
        let footprint = Self.event(1, size: 256 << 10).footprint
        #expect(footprint >= 256 << 10 && footprint < 260 << 10)
        let small = Message.rudeRejection("no").footprint
        #expect(small >= Footprint.perItem && small < 200)
    }

    @Test func fullByBytesDropsTheOldestAndCountsThem() {
        // Room for three 256 KiB events in a queue of 10,000 places.
        let queue = InboundQueue(capacity: 10_000, bytes: 800 << 10, pacing: .init(pauseAbove: .max))
        for sequence in 1...10 { queue.push(Self.event(sequence, size: 256 << 10)) }
        #expect(queue.depth == 3)
        #expect(queue.depthBytes <= 800 << 10)
        #expect(queue.droppedTotal == 7)
        #expect(Self.sequences(queue) == ["dropped 7", "8", "9", "10"])
        #expect(queue.depthBytes == 0)
    }

    @Test func fullByCountStillDropsWithinTheBytes() {
        let queue = InboundQueue(capacity: 4, bytes: 64 << 20, pacing: .init(pauseAbove: .max))
        for sequence in 1...6 { queue.push(Self.event(sequence, size: 10)) }
        #expect(queue.droppedTotal == 2)
        #expect(Self.sequences(queue) == ["dropped 2", "3", "4", "5", "6"])
    }

    @Test func aMessageLargerThanTheBudgetIsKeptAlone() {
        let queue = InboundQueue(capacity: 100, bytes: 100 << 10, pacing: .init(pauseAbove: .max))
        queue.push(Self.event(1, size: 10))
        queue.push(Self.event(2, size: 300 << 10))
        #expect(Self.sequences(queue) == ["dropped 1", "2"])
        queue.push(Self.event(3, size: 10))
        #expect(Self.sequences(queue) == ["3"])
    }

    @Test func aBatchStopsAtItsBytes() {
        let queue = InboundQueue(capacity: 100, bytes: 64 << 20, pacing: .init(pauseAbove: .max))
        for sequence in 1...40 { queue.push(Self.event(sequence, size: 256 << 10)) }
        let batch = queue.nextBatch(limit: 512, until: .now())
        // At most the batch's bytes leave at once (the one that reaches the mark included).
        let each = Self.event(1, size: 256 << 10).footprint
        #expect(batch.count == (InboundQueue.batchBytes + each - 1) / each)
        #expect(queue.depth == 40 - batch.count)
    }
}
