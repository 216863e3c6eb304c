import ESLProtocol

/// A large `api/response` body arriving in pieces. The reader thread pushes chunks; the command's
/// caller reads them and writes them on (stdout), so a 500 MB response never sits in memory.
///
/// Unlike events, these chunks are the command's own answer: when the reader is ahead, it waits for the
/// consumer (the server sends nothing else while an `api` runs), with a few megabytes in between. A
/// consumer that gives up calls `abandon()`, after which the rest is read and dropped.
public final class APIStream: BodyStream, @unchecked Sendable, Equatable {
    public let length: Int
    private let monitor = Monitor()
    private var chunks: [[UInt8]] = []
    private var buffered = 0
    private var finished = false
    private var failure: ConnectionError?
    private var abandoned = false
    private static let window = 4 << 20
    /// Set when the consumer's thread is also the reader (no reader thread): then the reader never
    /// waits for the consumer, and the consumer reads when it has nothing; one read at a time stays small.
    private let reading: WaiterReading?

    init(length: Int, reading: WaiterReading? = nil) {
        self.length = length
        self.reading = reading
    }

    public static func == (lhs: APIStream, rhs: APIStream) -> Bool { lhs === rhs }

    /// Reader side: waits while the consumer is a window behind.
    func push(_ chunk: [UInt8]) {
        monitor.withLock {
            while buffered >= Self.window, !abandoned, reading == nil { _ = monitor.wait(until: nil) }
            guard !abandoned else { return }
            chunks.append(chunk)
            buffered += chunk.count
            monitor.broadcast()
        }
    }

    func finish(_ error: ConnectionError? = nil) {
        monitor.withLock {
            finished = true
            failure = error
            monitor.broadcast()
        }
    }

    /// The next piece, nil at the end; throws if the connection ended before the body did.
    public func next() throws(ConnectionError) -> [UInt8]? {
        if let reading {
            while monitor.withLock({ chunks.isEmpty && !finished }) {
                if !reading.readForWaiter(until: nil) { break }
            }
        }
        let result: Result<[UInt8]?, ConnectionError> = monitor.withLock {
            while chunks.isEmpty, !finished, reading == nil { _ = monitor.wait(until: nil) }
            if !chunks.isEmpty {
                let chunk = chunks.removeFirst()
                buffered -= chunk.count
                monitor.broadcast()
                return .success(chunk)
            }
            if let failure { return .failure(failure) }
            return .success(nil)
        }
        return try result.get()
    }

    /// The consumer stops reading; the reader discards the rest.
    public func abandon() {
        monitor.withLock {
            abandoned = true
            chunks = []
            buffered = 0
            monitor.broadcast()
        }
    }
}
