#if canImport(Glibc)
import Glibc
#endif
import ESLClient
import ESLProtocol

/// The time that retry and reconnect schedules run on: the monotonic clock and real sleeps, or, in
/// tests, a clock that moves only when slept on, so that a schedule (1 s, 2 s, 4 s …) is checked
/// exactly and without waiting.
package struct Pacing: Sendable {
    /// Nanoseconds on a monotonic clock (only differences mean anything).
    package var now: @Sendable () -> UInt64
    /// Sleeps about this long; a signal may end it early (the caller then looks at its interrupt flag).
    package var sleep: @Sendable (Duration) -> Void

    package init(now: @escaping @Sendable () -> UInt64, sleep: @escaping @Sendable (Duration) -> Void) {
        self.now = now
        self.sleep = sleep
    }

    package static let system = Pacing(now: { Deadline.now().nanoseconds }, sleep: { duration in
        let (seconds, attoseconds) = duration.components
        guard seconds > 0 || attoseconds > 0 else { return }
        // Not resumed after EINTR: Ctrl-C during a pause is looked at at once.
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
        _ = nanosleep(&request, nil)
    })
}

/// How a session opens a connection: `Connection.open`, or in tests a stand-in that fails on cue.
package typealias ConnectionOpener = @Sendable (ConnectOptions, (@Sendable () -> Void)?) throws(ConnectError) -> Connection
