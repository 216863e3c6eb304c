#if canImport(Glibc)
import Glibc
#endif
import ESLClient
import ESLProtocol

enum Background {
    static func start(_ body: @escaping @Sendable () -> Void) { _ = startThread(body) }

    static func sleep(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        var request = timespec(tv_sec: Int(seconds), tv_nsec: Int(attoseconds / 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0, errno == EINTR { request = remaining }
    }
}

/// The date stamps FreeSWITCH puts in every event (Event-Date-Local, Event-Date-GMT,
/// Event-Date-Timestamp), read from the wall clock.
struct EventDateStamps {
    var local: String
    var gmt: String
    var microseconds: Int

    static func now() -> EventDateStamps {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        var seconds = spec.tv_sec
        var parts = tm()
        localtime_r(&seconds, &parts)
        let local = format("%Y-%m-%d %H:%M:%S", parts)
        gmtime_r(&seconds, &parts)
        let gmt = format("%a, %d %b %Y %H:%M:%S GMT", parts)
        return EventDateStamps(local: local, gmt: gmt, microseconds: spec.tv_sec * 1_000_000 + spec.tv_nsec / 1000)
    }

    /// `YYYY-MM-DD HH:MM:SS` local time of a Unix time (the `created` column of `show channels`).
    static func local(epoch: Int) -> String {
        var seconds = epoch
        var parts = tm()
        localtime_r(&seconds, &parts)
        return format("%Y-%m-%d %H:%M:%S", parts)
    }

    private static func format(_ pattern: String, _ parts: tm) -> String {
        var parts = parts
        var buffer = [CChar](repeating: 0, count: 64)
        let count = strftime(&buffer, buffer.count, pattern, &parts)
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Time since start, spelled as FreeSWITCH spells it in `status` and HEARTBEAT.
struct Uptime {
    var milliseconds: Int
    var microseconds: Int

    init(since start: Deadline) {
        let nanos = Deadline.now().nanoseconds - start.nanoseconds
        microseconds = Int(nanos / 1000)
        milliseconds = microseconds / 1000
    }

    var text: String {
        var rest = microseconds
        let micro = rest % 1000; rest /= 1000
        let milli = rest % 1000; rest /= 1000
        let seconds = rest % 60; rest /= 60
        let minutes = rest % 60; rest /= 60
        let hours = rest % 24; rest /= 24
        let days = rest % 365
        let years = rest / 365
        func unit(_ value: Int, _ name: String) -> String { "\(value) \(name)\(value == 1 ? "" : "s")" }
        return [unit(years, "year"), unit(days, "day"), unit(hours, "hour"), unit(minutes, "minute"),
                unit(seconds, "second"), unit(milli, "millisecond"), unit(micro, "microsecond")].joined(separator: ", ")
    }
}
