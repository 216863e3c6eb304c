/// Consecutive plain events of one read, each event's text followed by a line break: what `--format
/// plain` prints for them. Made by a reader that was asked to pass plain events on without decoding
/// them, so that per event it only finds the frame; the consumer writes the bytes as they are.
public struct PlainEventRun: Sendable, Equatable {
    public private(set) var bytes: [UInt8] = []
    public private(set) var count = 0

    public init() {}

    public var isEmpty: Bool { count == 0 }

    public mutating func append(_ body: [UInt8]) {
        body.withUnsafeBufferPointer { append($0) }
    }

    /// An event's body straight from the decoder's buffer (`FrameDecoder.takePlainEvent`).
    public mutating func append(_ body: UnsafeBufferPointer<UInt8>) {
        bytes.append(contentsOf: body)
        bytes.append(0x0A)
        count += 1
    }
}

extension Message {
    /// The events and log lines this message stands for: a run's events, otherwise one.
    public var itemCount: Int {
        if case .plainEvents(let run) = self { return run.count }
        return 1
    }
}
