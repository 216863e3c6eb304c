import ESLProtocol

/// The header line of `--top`: calls and channels (from the table), and what the event stream says
/// about the switch — new sessions a second (CHANNEL_CREATE), events a second, idle CPU (HEARTBEAT),
/// and what the client dropped. Rates are over the last whole second. Pure: times are passed in.
public struct SwitchActivity: Sendable, Equatable {
    public private(set) var idleCPU: Double?
    public private(set) var eventsPerSecond = 0
    public private(set) var sessionsPerSecond = 0
    public private(set) var dropped = 0
    private var second = 0
    private var events = 0
    private var sessions = 0

    public init() {}

    /// Counts one event received at `now` (microseconds).
    public mutating func record(_ event: Event, now: Int) {
        roll(now)
        events += 1
        switch event.name {
        case "CHANNEL_CREATE": sessions += 1
        case "HEARTBEAT": if let idle = event["Idle-CPU"].flatMap(Double.init) { idleCPU = idle }
        default: break
        }
    }

    public mutating func recordDropped(_ count: Int) { dropped += count }

    /// Moves the window on; the rates stay those of the last whole second.
    public mutating func roll(_ now: Int) {
        let current = now / 1_000_000
        guard current != second else { return }
        if current == second + 1 {
            eventsPerSecond = events
            sessionsPerSecond = sessions
        } else {
            eventsPerSecond = 0
            sessionsPerSecond = 0
        }
        second = current
        events = 0
        sessions = 0
    }

    /// `calls 8  channels 10  sessions/s 1  idle 94.5%  events/s 230  dropped 0`
    public func header(calls: Int, channels: Int) -> String {
        let idle = idleCPU.map { "\(Int($0))." + String(Int(($0 * 10).rounded()) % 10) + "%" } ?? "-"
        return "calls \(calls)  channels \(channels)  sessions/s \(sessionsPerSecond)  idle \(idle)  events/s \(eventsPerSecond)  dropped \(dropped)"
    }
}
