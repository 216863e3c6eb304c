#if canImport(Glibc)
import Glibc
#endif
import ESLClient
import ESLProtocol

/// A recording (`eslsh --record`) served as if a switch were sending it live: each client that
/// subscribes gets the recorded events and log lines through its own subscription — names, filters,
/// format (plain, json or xml, re-encoded from the recorded event) and log level apply as they would
/// to live ones. Replies and API outputs in the recording are not replayed: commands are answered
/// by the simulator.
public struct RecordingReplay: Sendable {
    enum Item: Sendable {
        case event(Event)
        case log(LogLine)
    }

    let items: [(time: Int, item: Item)]
    /// How many times faster than recorded; nil: no pauses.
    public var speed: Double?
    /// Pause between a client's first subscription and the first item, so that the rest of its
    /// subscription commands (filters, log level) arrive first.
    public var settle: Duration = .milliseconds(200)

    /// The events and log lines of `frames`; everything else is left out.
    public init(_ frames: [RecordedFrame], speed: Double? = 1) {
        var items: [(Int, Item)] = []
        for recorded in frames {
            switch Message(frame: recorded.frame) {
            case .event(let event, _): items.append((recorded.time, .event(event)))
            case .log(let line): items.append((recorded.time, .log(line)))
            default: break
            }
        }
        self.items = items
        self.speed = speed
    }

    /// Events and log lines to be served.
    public var count: Int { items.count }

    /// Sends everything to one session at the recorded pace (divided by `speed`), or without pauses.
    func play(to session: SimulatorSession) {
        Background.sleep(settle)
        let started = Deadline.now().nanoseconds
        let first = items.first?.time ?? 0
        for (time, item) in items {
            if session.isClosed { return }
            if let speed {
                let due = started + UInt64(Double(max(0, time - first)) * 1000 / speed)
                let now = Deadline.now().nanoseconds
                if due > now { Background.sleep(.nanoseconds(Int64(due - now))) }
            }
            switch item {
            case .event(let event): session.offer(event)
            case .log(let line): session.offer(line)
            }
        }
    }
}

extension SimulatorSession {
    var isClosed: Bool { state.withLock { $0.closed } }

    /// After a subscription command: the first one starts this client's replay, if there is one.
    func startReplayOnce() {
        guard let replay = simulator.configuration.replay else { return }
        let first = state.withLock { state in
            defer { state.replayStarted = true }
            return !state.replayStarted
        }
        if first { Background.start { [self] in replay.play(to: self) } }
    }
}
