import ESLProtocol

/// A value delivered once, by one thread, to another that may wait with a deadline.
final class Promise<Value: Sendable>: @unchecked Sendable {
    private let monitor = Monitor()
    private var result: Result<Value, ConnectionError>?

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
        monitor.withLock {
            while result == nil {
                if !monitor.wait(until: deadline), result == nil { return nil }
            }
            return result
        }
    }
}
