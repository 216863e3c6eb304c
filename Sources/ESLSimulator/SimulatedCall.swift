import ESLClient
import ESLProtocol
import Synchronization

/// One simulated echo call: two loopback legs whose events and log lines replay the recorded call
/// (`CallScript`), with this call's UUIDs, destination, time stamps and sequence numbers.
final class SimulatedCall: @unchecked Sendable {
    let uuid: String
    let otherUUID: String
    let destination: String
    let created = Deadline.now()
    let createdEpoch: Int
    private let simulator: Simulator
    /// Started by the `socket` application (outbound mode).
    var outbound = false
    private let placeholders: [(String, String)]
    private let hungUp = Atomic<Bool>(false)
    private let lastApplication = Locked<(String, String)>(("park", ""))
    /// CHANNEL_EXECUTE_COMPLETE of a `park` run by sendmsg: as on a real switch, park returns only when
    /// the call leaves it (here: when it is hung up).
    private let parked = Locked<[Event]>([])

    init(simulator: Simulator, destination: String) {
        self.simulator = simulator
        self.destination = destination
        createdEpoch = EventDateStamps.now().microseconds / 1_000_000
        var placeholders = [("{CORE}", simulator.coreUUID), ("{HOST}", simulator.configuration.hostname), ("{DEST}", destination)]
        for index in 1...CallScript.placeholderCount { placeholders.append(("{U\(index)}", UUIDText.random())) }
        self.placeholders = placeholders
        uuid = placeholders.first { $0.0 == CallScript.aLeg }!.1
        otherUUID = placeholders.first { $0.0 == CallScript.bLeg }!.1
    }

    var name: String { "loopback/\(destination)-a" }
    var isHungUp: Bool { hungUp.load(ordering: .relaxed) }
    var application: (name: String, data: String) { lastApplication.withLock { $0 } }

    /// What `connect` describes: the A leg's channel, as a CHANNEL_DATA event.
    func channelData() -> Event {
        var event = template(named: "CHANNEL_ANSWER", in: CallScript.setup, leg: uuid) ?? Event(name: "CHANNEL_DATA")
        event.headers.set("Event-Name", "CHANNEL_DATA")
        event.headers.set("Channel-State", "CS_EXECUTE")
        event.headers.set("Channel-Call-State", "ACTIVE")
        if outbound { event.headers.set("variable_current_application", "socket") }
        return event
    }

    /// A channel variable for `getvar` (from the channel's `variable_*` headers). As on the switch, the
    /// caller profile's fields answer as variables too: `caller_id_number` is `Caller-Caller-ID-Number`.
    func variable(_ name: String) -> String {
        let data = channelData()
        if let value = data["variable_\(name)"] { return value }
        let field = name.split(separator: "_").map { word in
            ["id", "ani", "rdnis"].contains(word.lowercased()) ? word.uppercased() : word.prefix(1).uppercased() + word.dropFirst()
        }.joined(separator: "-")
        return data["Caller-" + (name == "chan_name" ? "Channel-Name" : field)] ?? ""
    }

    func start() {
        replay(CallScript.setup, logs: CallScript.logs.split(separator: "\n").prefix(30))
    }

    /// Emits the recorded hangup sequence with `cause`; only the first hangup counts. `completing`: the
    /// CHANNEL_EXECUTE_COMPLETE of the `hangup` application, which follows CHANNEL_HANGUP (outbound-session capture).
    func hangup(cause: String, completing: Event? = nil) {
        guard !hungUp.exchange(true, ordering: .relaxed) else { return }
        for var event in parked.withLock({ list in defer { list = [] }; return list }) {
            refresh(&event)
            simulator.fire(event)
        }
        replay(CallScript.hangup, logs: CallScript.logs.split(separator: "\n").dropFirst(30), cause: cause, after: completing)
        simulator.ended(self)
    }

    /// A dialplan application run through sendmsg: CHANNEL_EXECUTE, then CHANNEL_EXECUTE_COMPLETE.
    func execute(_ app: String, _ data: String, applicationUUID: String?) {
        let appUUID = applicationUUID ?? UUIDText.random()
        lastApplication.withLock { $0 = (app, data) }
        for name in ["CHANNEL_EXECUTE", "CHANNEL_EXECUTE_COMPLETE"] {
            guard var event = template(named: name, in: CallScript.setup + "\n\n" + CallScript.hangup, leg: uuid) else { continue }
            event.headers.set("Application", app)
            // As the switch: no Application-Data without an argument; playback reports what it played.
            if data.isEmpty { event.headers.remove("Application-Data") } else { event.headers.set("Application-Data", data) }
            event.headers.set("Application-UUID", appUUID)
            // The templates may come from the recorded hangup; the call is still up while it executes.
            if !isHungUp {
                event.headers.set("Answer-State", "answered")
                event.headers.set("Channel-State", "CS_EXECUTE")
                event.headers.set("Channel-Call-State", "ACTIVE")
            }
            if name == "CHANNEL_EXECUTE_COMPLETE" {
                event.headers.set("Application-Response", app == "playback" ? "FILE PLAYED" : "_none_")
                event.headers.set("Application-UUID-Name", "")
                if app == "park" {
                    parked.withLock { $0.append(event) }
                    continue
                }
                if app == "hangup" {
                    hangup(cause: data.isEmpty ? "NORMAL_CLEARING" : data, completing: event)
                    continue
                }
            }
            simulator.fire(event)
        }
    }

    private func replay(_ script: String, logs: ArraySlice<Substring>, cause: String = "NORMAL_CLEARING", after first: Event? = nil) {
        var logLines = logs.makeIterator()
        var pending = first
        for body in script.split(separator: "\n\n") {
            var event = instantiate(String(body), cause: cause)
            refresh(&event)
            simulator.fire(event)
            if var next = pending, event.name == "CHANNEL_HANGUP", event.uniqueID == next.uniqueID {
                pending = nil
                refresh(&next)
                simulator.fire(next)
            }
            // Interleave the recorded log lines with the events, as a live switch would.
            if let line = logLines.next() { simulator.log(logLine(String(line))) }
        }
        while let line = logLines.next() { simulator.log(logLine(String(line))) }
    }

    private func template(named name: String, in script: String, leg: String) -> Event? {
        for body in script.split(separator: "\n\n") where body.hasPrefix("Event-Name: \(name)\n") {
            var event = instantiate(String(body), cause: "NORMAL_CLEARING")
            guard event.uniqueID == leg else { continue }
            refresh(&event)
            return event
        }
        return nil
    }

    private func instantiate(_ body: String, cause: String) -> Event {
        var text = body
        for (placeholder, value) in placeholders { text = text.replacing(placeholder, with: value) }
        if cause != "NORMAL_CLEARING" { text = text.replacing("NORMAL_CLEARING", with: cause) }
        return (try? Event.decode(Array((text + "\n\n").utf8), format: .plain)) ?? Event(name: "CUSTOM")
    }

    /// Fresh time stamps and sequence number, and the simulator's addresses.
    private func refresh(_ event: inout Event) {
        let now = EventDateStamps.now()
        event.headers.set("FreeSWITCH-IPv4", "127.0.0.1")
        event.headers.set("FreeSWITCH-IPv6", "::1")
        event.headers.set("Event-Date-Local", now.local)
        event.headers.set("Event-Date-GMT", now.gmt)
        event.headers.set("Event-Date-Timestamp", String(now.microseconds))
        event.headers.set("Event-Sequence", String(simulator.nextSequence()))
    }

    private func logLine(_ record: String) -> LogLine {
        var text = record
        for (placeholder, value) in placeholders { text = text.replacing(placeholder, with: value) }
        let fields = text.split(separator: "|", maxSplits: 6, omittingEmptySubsequences: false).map(String.init)
        let now = EventDateStamps.now()
        // Recorded lines start with their own time stamp; the simulator's are stamped now.
        var message = fields[6].replacing("\\n", with: "\n")
        if message.count > 26, message.first?.isNumber == true {
            message = now.local + "." + String(now.microseconds % 1_000_000).leftPadded(6) + message.dropFirst(26)
        }
        return LogLine(level: Int(fields[0]) ?? 7, textChannel: Int(fields[1]) ?? 0, file: fields[2], function: fields[3],
                       line: Int(fields[4]) ?? 0, userData: fields[5], text: message)
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: max(0, width - count)) + self }
}
