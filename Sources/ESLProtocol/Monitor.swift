#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A mutex with a condition variable on the monotonic clock: the one primitive the connection needs for
/// timed waits (Synchronization's Mutex has no condition, and Foundation is kept off the start-up path).
final class Monitor: @unchecked Sendable {
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    init() {
        pthread_mutex_init(mutex, nil)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        #if !canImport(Darwin)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        #endif
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        pthread_mutex_destroy(mutex)
        condition.deallocate()
        mutex.deallocate()
    }

    func withLock<T>(_ body: () throws -> T) rethrows -> T {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    func broadcast() { pthread_cond_broadcast(condition) }

    /// Waits (the lock held) until signalled or the deadline passes; false on timeout.
    /// Callers loop on their own predicate, so spurious wake-ups are harmless.
    func wait(until deadline: Deadline?) -> Bool {
        guard let deadline else {
            pthread_cond_wait(condition, mutex)
            return true
        }
        var spec = deadline.posixTime
        return pthread_cond_timedwait(condition, mutex, &spec) != ETIMEDOUT
    }
}

/// A point on the monotonic clock.
public struct Deadline: Sendable, Comparable {
    public let nanoseconds: UInt64

    public static func now() -> Deadline {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return Deadline(nanoseconds: UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec))
    }

    public static func after(milliseconds: Int) -> Deadline {
        Deadline(nanoseconds: now().nanoseconds + UInt64(max(0, milliseconds)) * 1_000_000)
    }

    public static func after(_ duration: Duration) -> Deadline {
        Deadline(nanoseconds: now().nanoseconds + nanoseconds(duration))
    }

    /// A duration in whole nanoseconds, negative ones as 0.
    static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        return UInt64(max(0, seconds) * 1_000_000_000 + max(0, attoseconds / 1_000_000_000))
    }

    /// Milliseconds left, at least 0 (for poll).
    public var remainingMilliseconds: Int {
        let current = Deadline.now().nanoseconds
        return current >= nanoseconds ? 0 : Int((nanoseconds - current + 999_999) / 1_000_000)
    }

    public var hasPassed: Bool { Deadline.now() >= self }

    var posixTime: timespec {
        timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
    }

    public static func < (lhs: Deadline, rhs: Deadline) -> Bool { lhs.nanoseconds < rhs.nanoseconds }
}

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

/// Runs `body` on a new POSIX thread (no Foundation needed). Detached unless `joinable`; a joinable
/// thread's handle must be passed to `pthread_join` (the thread sanitizer reports it otherwise).
@discardableResult
public func startThread(joinable: Bool = false, _ body: @escaping @Sendable () -> Void) -> pthread_t? {
    final class Box: @unchecked Sendable {
        let body: @Sendable () -> Void
        init(_ body: @escaping @Sendable () -> Void) { self.body = body }
    }
    let box = Unmanaged.passRetained(Box(body)).toOpaque()
    var thread = pthread_t()
    let status = pthread_create(&thread, nil, { raw in
        let box = Unmanaged<AnyObject>.fromOpaque(raw!).takeRetainedValue() as! Box
        box.body()
        return nil
    }, box)
    if status != 0 {
        Unmanaged<AnyObject>.fromOpaque(box).release()
        return nil
    }
    if !joinable { pthread_detach(thread) }
    return thread
}

/// A plain pthread mutex, for sections that guard an action (a write to a socket) rather than a value.
public final class Lock: @unchecked Sendable {
    private let monitor = Monitor()
    public init() {}
    public func withLock<Result>(_ body: () throws -> Result) rethrows -> Result { try monitor.withLock(body) }
}

/// A value behind a pthread mutex. Used instead of Synchronization's Mutex because the thread
/// sanitizer understands pthread locks (Mutex's futex calls look like races to it), and the sanitizer
/// runs in the test suite.
public final class Locked<Value>: @unchecked Sendable {
    private let monitor = Monitor()
    private var value: Value

    public init(_ value: Value) { self.value = value }

    public func withLock<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        try monitor.withLock { try body(&value) }
    }
}
