/// A point on the monotonic clock, in nanoseconds. The value only: reading the clock (`now()`,
/// `after(_:)`) belongs to ESLClient, so the core can be driven with any times a test chooses.
public struct Deadline: Sendable, Comparable {
    public let nanoseconds: UInt64

    public init(nanoseconds: UInt64) { self.nanoseconds = nanoseconds }

    /// A duration in whole nanoseconds, negative ones as 0.
    public static func nanoseconds(_ duration: Duration) -> UInt64 {
        let (seconds, attoseconds) = duration.components
        return UInt64(max(0, seconds) * 1_000_000_000 + max(0, attoseconds / 1_000_000_000))
    }

    public static func < (lhs: Deadline, rhs: Deadline) -> Bool { lhs.nanoseconds < rhs.nanoseconds }
}
