#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ESLProtocol

/// A mutex with a condition variable on the monotonic clock: the one primitive the connection needs for
/// timed waits (Synchronization's Mutex has no condition, and Foundation is kept off the start-up path).
/// `withLock` is inlinable, as are `Lock`'s and `Locked`'s: called across modules unspecialised, each
/// call's result type had its generic metadata made at run time (`Int32?`, tuples), on the start-up path.
@usableFromInline final class Monitor: @unchecked Sendable {
    @usableFromInline let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    @usableFromInline init() {
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

    @inlinable func withLock<T>(_ body: () throws -> T) rethrows -> T {
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
