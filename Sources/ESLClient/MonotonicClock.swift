#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import ESLProtocol

/// Reading the monotonic clock: the deadlines of timed waits and polls.
extension Deadline {
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

    /// Milliseconds left, at least 0 (for poll).
    public var remainingMilliseconds: Int {
        let current = Deadline.now().nanoseconds
        return current >= nanoseconds ? 0 : Int((nanoseconds - current + 999_999) / 1_000_000)
    }

    public var hasPassed: Bool { Deadline.now() >= self }

    var posixTime: timespec {
        timespec(tv_sec: Int(nanoseconds / 1_000_000_000), tv_nsec: Int(nanoseconds % 1_000_000_000))
    }
}
