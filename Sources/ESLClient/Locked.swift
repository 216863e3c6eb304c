/// A value behind a pthread mutex. Used instead of Synchronization's Mutex because the thread
/// sanitizer understands pthread locks (Mutex's futex calls look like races to it), and the sanitizer
/// runs in the test suite.
public final class Locked<Value>: @unchecked Sendable {
    @usableFromInline let monitor = Monitor()
    @usableFromInline var value: Value

    public init(_ value: Value) { self.value = value }

    /// Inlinable (see `Monitor`).
    @inlinable public func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        try monitor.withLock { try body(&value) }
    }
}
