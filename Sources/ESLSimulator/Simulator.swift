#if canImport(Glibc)
import Glibc
#endif
import ESLClient
import ESLProtocol
import Synchronization

/// How the simulated switch behaves.
public struct SimulatorConfiguration: Sendable {
    public var listenHost = "127.0.0.1"
    /// 0 picks a free port (read it from `Simulator.port`).
    public var port = 8021
    public var password = "ClueCon"
    /// `api hostname` / `switchname` and the FreeSWITCH-Hostname of events.
    public var hostname = "eslsim"
    /// Every connection is refused as by an ACL (`text/rude-rejection`).
    public var rejectByACL = false
    /// HEARTBEAT every this often (nil: never).
    public var heartbeatInterval: Duration? = .seconds(20)
    /// Time taken before answering each command (auth included), as a real switch takes for its work:
    /// FreeSWITCH 1.10 answers `auth` and `api status` in a few hundred microseconds each.
    public var answerDelay: Duration?
    /// Start a call every this often by itself (nil: only on `originate`).
    public var callInterval: Duration?
    /// How long a call lasts before it hangs up by itself (nil: until hung up).
    public var callDuration: Duration? = .seconds(30)
    /// Flood mode (benchmarks): after a client's first `event` subscription, send it this many recorded
    /// call events as fast as its socket takes them, then the disconnect notice.
    public var floodEvents: Int?
    /// The send buffer of flooded sockets: small, so the sender cannot run far ahead of the reader.
    public var floodSendBuffer = 64 * 1024
    /// Called when a flood ends, with the events sent and the seconds it took (as the server saw it).
    public var floodReport: (@Sendable (Int, Double) -> Void)?
    /// Serve this recording to every client that subscribes, as if it were happening now.
    public var replay: RecordingReplay?
    /// Busy-switch mode (`eslsim --busy N`): about this many calls up at once (see `BusySwitch`).
    public var busyCalls: Int?
    /// Called with each API command line (api and bgapi) before it runs: tests wait on it instead of sleeping.
    public var onAPI: (@Sendable (String) -> Void)?
    /// Users accepted by `userauth` (user@domain → password and permissions).
    public var users: [String: SimulatorUser] = ["1000@default": SimulatorUser(password: "1234")]

    public init() {}
}

/// A FreeSWITCH stand-in on loopback that answers as the captures show: the handshake, api/bgapi, event
/// subscriptions in three formats with filters, log lines, simulated calls with a recorded CHANNEL_*
/// sequence, HEARTBEAT, sendevent and sendmsg.
public final class Simulator: @unchecked Sendable {
    public let configuration: SimulatorConfiguration
    public let port: Int
    let coreUUID = UUIDText.random()
    let started = Deadline.now()
    private let listener: Listener
    private let state = Locked(State())
    private let sequence = Atomic<Int>(400)
    private let stopped = Atomic<Bool>(false)
    /// Busy-switch mode's calls, when it is on.
    private(set) var busy: BusySwitch?

    struct State {
        var sessions: [ObjectIdentifier: SimulatorSession] = [:]
        var calls: [String: SimulatedCall] = [:]
        var sessionsSinceStartup = 0
        var peak = 0
        /// When the sessions of the last second started (for `status`'s sessions per second).
        var recentStarts: [UInt64] = []
    }

    /// Binds and starts accepting; throws a message when the address cannot be bound.
    public init(_ configuration: SimulatorConfiguration) throws(SimulatorError) {
        self.configuration = configuration
        do throws(Listener.Failure) {
            listener = try Listener(host: configuration.listenHost, port: configuration.port)
        } catch {
            throw SimulatorError(message: error.description)
        }
        port = listener.port
        Background.start { [self] in acceptLoop() }
        if let interval = configuration.heartbeatInterval { Background.start { [self] in every(interval) { fireHeartbeat() } } }
        if let target = configuration.busyCalls {
            busy = BusySwitch(simulator: self, target: target)
            busy?.start()
        }
        if let interval = configuration.callInterval {
            Background.start { [self] in every(interval) { _ = originate(destination: String(Int.random(in: 3000...9999))) } }
        }
    }

    /// Stops accepting and closes every session.
    public func stop() {
        guard !stopped.exchange(true, ordering: .relaxed) else { return }
        listener.shutdown()
        let sessions = state.withLock { state in
            defer { state.calls = [:] }  // calls and sessions hold the simulator: let them go
            return Array(state.sessions.values)
        }
        for session in sessions { session.close() }
    }

    public var isStopped: Bool { stopped.load(ordering: .relaxed) }

    private func acceptLoop() {
        while !isStopped, let (socket, _) = listener.accept() {
            let session = SimulatorSession(socket: socket, simulator: self)
            state.withLock { $0.sessions[ObjectIdentifier(session)] = session }
            session.start()
        }
    }

    func remove(_ session: SimulatorSession) {
        _ = state.withLock { $0.sessions.removeValue(forKey: ObjectIdentifier(session)) }
    }

    private func every(_ interval: Duration, _ body: () -> Void) {
        while !isStopped {
            Background.sleep(interval)
            if isStopped { return }
            body()
        }
    }

    // MARK: - Events

    func nextSequence() -> Int { sequence.add(1, ordering: .relaxed).newValue }

    /// The headers every event starts with.
    func coreHeaders(name: String, file: String, function: String, line: Int) -> [Header] {
        let now = EventDateStamps.now()
        return [
            Header("Event-Name", name), Header("Core-UUID", coreUUID),
            Header("FreeSWITCH-Hostname", configuration.hostname), Header("FreeSWITCH-Switchname", configuration.hostname),
            Header("FreeSWITCH-IPv4", "127.0.0.1"), Header("FreeSWITCH-IPv6", "::1"),
            Header("Event-Date-Local", now.local), Header("Event-Date-GMT", now.gmt),
            Header("Event-Date-Timestamp", String(now.microseconds)),
            Header("Event-Calling-File", file), Header("Event-Calling-Function", function),
            Header("Event-Calling-Line-Number", String(line)), Header("Event-Sequence", String(nextSequence())),
        ]
    }

    /// Delivers an event to every listener that wants it.
    public func fire(_ event: Event) {
        for session in state.withLock({ Array($0.sessions.values) }) { session.offer(event) }
    }

    /// Delivers a log line to every listener whose level lets it through.
    public func log(_ line: LogLine) {
        for session in state.withLock({ Array($0.sessions.values) }) { session.offer(line) }
    }

    private func fireHeartbeat() {
        let uptime = Uptime(since: started)
        let (count, total, peak) = state.withLock { ($0.calls.count, $0.sessionsSinceStartup, $0.peak) }
        var headers = coreHeaders(name: "HEARTBEAT", file: "switch_core.c", function: "send_heartbeat", line: 95)
        headers += [
            Header("Event-Info", "System Ready"), Header("Up-Time", uptime.text),
            Header("FreeSWITCH-Version", SimulatorAPI.versionNumber), Header("Uptime-msec", String(uptime.milliseconds)),
            Header("Session-Count", String(count)), Header("Max-Sessions", "1000"), Header("Session-Per-Sec", "30"),
            Header("Session-Per-Sec-Last", "0"), Header("Session-Per-Sec-Max", "2"), Header("Session-Per-Sec-FiveMin", "2"),
            Header("Session-Since-Startup", String(total)), Header("Session-Peak-Max", String(peak)),
            Header("Session-Peak-FiveMin", String(peak)), Header("Idle-CPU", "97.500000"),
        ]
        fire(Event(headers: Headers(headers)))
    }

    // MARK: - Calls

    /// Starts a simulated call to `destination`; returns its A-leg UUID.
    @discardableResult
    public func originate(destination: String, socket address: String? = nil) -> String {
        let call = SimulatedCall(simulator: self, destination: destination)
        state.withLock {
            $0.calls[call.uuid] = call
            $0.calls[call.otherUUID] = call
            $0.sessionsSinceStartup += 2
            let now = Deadline.now().nanoseconds
            $0.recentStarts = $0.recentStarts.filter { $0 + 1_000_000_000 > now } + [now, now]
            $0.peak = max($0.peak, Set($0.calls.values.map(\.uuid)).count * 2)
        }
        call.outbound = address != nil
        call.start()
        if let address { connectOutbound(call, to: address) }
        if let duration = configuration.callDuration {
            Background.start { [weak call] in
                Background.sleep(duration)
                call?.hangup(cause: "NORMAL_CLEARING")
            }
        }
        return call.uuid
    }

    /// The `socket` application: the call connects to a listener and takes orders from it.
    private func connectOutbound(_ call: SimulatedCall, to address: String) {
        let parts = address.split(separator: ":")
        guard parts.count >= 2, let port = Int(parts.last!) else { return }
        let host = parts.dropLast().joined(separator: ":")
        guard let socket = try? Socket.connect(host: host, port: port, timeoutMilliseconds: 2000) else {
            call.hangup(cause: "DESTINATION_OUT_OF_ORDER")
            return
        }
        let session = SimulatorSession(socket: socket, simulator: self, call: call)
        state.withLock { $0.sessions[ObjectIdentifier(session)] = session }
        session.start()
    }

    func call(_ uuid: String) -> SimulatedCall? { state.withLock { $0.calls[uuid] } }

    /// Live calls, one per A leg, oldest first.
    var calls: [SimulatedCall] {
        let all: [SimulatedCall] = state.withLock { Array($0.calls.values) }
        var seen = Set<ObjectIdentifier>()
        return all.filter { seen.insert(ObjectIdentifier($0)).inserted }.sorted { $0.created < $1.created }
    }

    func ended(_ call: SimulatedCall) {
        state.withLock {
            $0.calls.removeValue(forKey: call.uuid)
            $0.calls.removeValue(forKey: call.otherUUID)
        }
    }

    var sessionsSinceStartup: Int { state.withLock { $0.sessionsSinceStartup } }

    /// Connected clients subscribed to events or logs (tests wait for a stream to have started).
    public var listeningSessions: Int {
        state.withLock { Array($0.sessions.values) }.filter(\.isListening).count
    }

    /// Connected clients that asked for log lines (`log`).
    public var loggingSessions: Int {
        state.withLock { Array($0.sessions.values) }.filter(\.isLogging).count
    }

    /// Sessions started in the last second.
    var sessionsPerSecond: Int {
        let now = Deadline.now().nanoseconds
        return state.withLock { $0.recentStarts.filter { $0 + 1_000_000_000 > now }.count }
    }
}

public struct SimulatorError: Error, CustomStringConvertible, Sendable {
    public let message: String
    public var description: String { message }
}
