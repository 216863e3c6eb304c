import ESLProtocol

/// Reads the socket for a thread that waits, on a connection without a reader thread
/// (`ConnectOptions.Reading.waiter`).
protocol WaiterReading: AnyObject, Sendable {
    /// One read and its routing; false once the deadline has passed or the connection has ended.
    func readForWaiter(until deadline: Deadline?) -> Bool
}

/// A value delivered once, by one thread, to another that may wait with a deadline.
final class Promise<Value: Sendable>: @unchecked Sendable {
    private let monitor = Monitor()
    private var result: Result<Value, ConnectionError>?
    /// Set when nobody else reads the socket: the waiter reads until its value comes.
    private let reading: WaiterReading?

    init(reading: WaiterReading? = nil) { self.reading = reading }

    /// Sets the result; later calls are ignored (first outcome wins).
    func resolve(_ outcome: Result<Value, ConnectionError>) {
        monitor.withLock {
            if result == nil { result = outcome }
            monitor.broadcast()
        }
    }

    var isResolved: Bool { monitor.withLock { result != nil } }

    /// The result, or nil when the deadline passed first.
    func wait(until deadline: Deadline?) -> Result<Value, ConnectionError>? {
        if let reading {
            // Reading resolves this promise (or, at the end, every promise), so it runs outside the lock.
            while true {
                if let result = monitor.withLock({ result }) { return result }
                if !reading.readForWaiter(until: deadline) { return monitor.withLock { result } }
            }
        }
        return monitor.withLock {
            while result == nil {
                if !monitor.wait(until: deadline), result == nil { return nil }
            }
            return result
        }
    }
}
