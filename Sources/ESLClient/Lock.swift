/// A plain pthread mutex, for sections that guard an action (a write to a socket) rather than a value.
public final class Lock: @unchecked Sendable {
    @usableFromInline let monitor = Monitor()
    public init() {}
    @inlinable public func withLock<Result>(_ body: () throws -> Result) rethrows -> Result { try monitor.withLock(body) }
}
