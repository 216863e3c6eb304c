#if canImport(Glibc)
import Glibc
#endif
import ESLClient
import ESLProtocol

/// A busy switch (`eslsim --busy N`), modelled on the busy-switch-json and call-trace-plain captures:
/// about N calls up at once, most of them an inbound leg bridged to an outbound one (the B leg's
/// events carry `Other-Type: originator`, CHANNEL_BRIDGE names both), the rest answered by a single
/// application (park, conference, playback); CALLSTATE transitions DOWN → RINGING → EARLY → ACTIVE
/// (→ HELD → ACTIVE) → HANGUP; CODEC, DTMF, CALL_UPDATE; DEBUG log lines with the leg's UUID in
/// User-Data; callers with real-world (and non-Latin) names. `show channels/calls [count|as json]`,
/// `uuid_kill`, `uuid_exists` and `hupall` answer from the same calls, so a snapshot agrees with the
/// events.
final class BusySwitch: @unchecked Sendable {
    /// One channel as the switch knows it.
    struct Leg {
        var uuid: String
        var name: String
        var direction: String
        var callerName: String
        var callerNumber: String
        var destination: String
        var callState = "DOWN"
        var state = "CS_INIT"
        var answered = false
        var application = ""
        var applicationData = ""
        var codec: String
        var created: Int
        var other: String?
        var otherType: String?
    }

    /// What happens next to a call, and when.
    enum Step { case ring, early, answer, bridge, hold, unhold, dtmf, hangUp }

    final class Call {
        var legs: [Leg]
        var steps: [(at: Int, step: Step)]
        init(legs: [Leg], steps: [(Int, Step)]) {
            self.legs = legs
            self.steps = steps
        }
    }

    /// Weak: the simulator holds this, and this thread must not keep a stopped simulator alive.
    private weak var simulator: Simulator?
    let target: Int
    private let lock = Locked<[String: Call]>([:])
    /// One change at a time: the clock's steps and API commands (uuid_kill) both change calls.
    private let serial = Locked<Int>(0)
    private var random = SystemRandomNumberGenerator()

    static let names: [(String, String)] = [
        ("Alice Martin", "1001"), ("Bob Nguyễn", "1002"), ("Carol Ødegaard", "1003"), ("山田太郎", "1004"), ("Zoë Ünal", "1005"),
        ("Дмитрий Иванов", "1006"), ("José Peña", "1007"), ("Renée Dubois", "1008"), ("Χρήστος Παπαδόπουλος", "1009"),
        ("李小龙", "1010"), ("Anna Kowalska", "1011"), ("Søren Kjær", "1012"), ("Ángel García", "1013"), ("김민준", "1014"),
        ("Fatma Yılmaz", "1015"), ("Reception", "+441632960001"), ("WIRELESS CALLER", "+12025550143"), ("Olu Adébáyọ̀", "1016"),
    ]
    static let codecs = ["PCMU", "PCMA", "G722", "opus"]

    init(simulator: Simulator, target: Int) {
        self.simulator = simulator
        self.target = max(1, target)
    }

    func start() {
        Background.start { [self] in
            while let simulator, !simulator.isStopped {
                serial.withLock { _ in tick(now: EventDateStamps.now().microseconds) }
                Background.sleep(.milliseconds(100))
            }
        }
    }

    // MARK: - The calls' lives

    private func tick(now: Int) {
        let count = lock.withLock { Set($0.values.map { ObjectIdentifier($0) }).count }
        // New calls at a rate that keeps about `target` up (a call lasts 20 s on average).
        let wanted = target - count
        if wanted > 0 { for _ in 0..<min(wanted, max(1, target / 50)) { place(now: now) } }
        let due: [Call] = lock.withLock { calls in
            var seen = Set<ObjectIdentifier>()
            return calls.values.filter { seen.insert(ObjectIdentifier($0)).inserted && ($0.steps.first?.at ?? .max) <= now }
        }
        for call in due {
            while let next = call.steps.first, next.at <= now {
                call.steps.removeFirst()
                run(next.step, on: call, now: now)
            }
        }
    }

    private func place(now: Int) {
        let (name, number) = Self.names.randomElement(using: &random)!
        let codec = Self.codecs.randomElement(using: &random)!
        let bridged = Int.random(in: 0..<10, using: &random) < 7
        let destination = bridged ? String(Int.random(in: 1001...1016, using: &random)) : ["3000", "9664", "5000"].randomElement(using: &random)!
        let a = Leg(uuid: UUIDText.random(), name: "sofia/internal/\(number)@192.0.2.10", direction: "inbound", callerName: name,
                    callerNumber: number, destination: destination, codec: codec, created: now)
        let talk = Int.random(in: 6_000_000...34_000_000, using: &random)
        let ring = Int.random(in: 300_000...2_500_000, using: &random)
        var steps: [(Int, Step)] = [(now + 50_000, .ring), (now + ring / 2, .early), (now + ring, .answer)]
        if bridged { steps.append((now + ring + 20_000, .bridge)) }
        if Int.random(in: 0..<4, using: &random) == 0 {
            steps += [(now + ring + talk / 3, .hold), (now + ring + talk / 3 + 3_000_000, .unhold)]
        }
        if Int.random(in: 0..<3, using: &random) == 0 { steps.append((now + ring + talk / 2, .dtmf)) }
        steps.append((now + ring + talk, .hangUp))
        steps.sort { $0.0 < $1.0 }
        let call = Call(legs: [a], steps: steps)
        lock.withLock { $0[a.uuid] = call }
        fire("CHANNEL_CREATE", call.legs[0])
        log(call.legs[0], 5, "switch_channel.c:1143 New Channel \(a.name) [\(a.uuid)]")
        if bridged {
            call.legs[0].application = "bridge"
            call.legs[0].applicationData = "user/\(destination)"
            call.legs[0].state = "CS_EXECUTE"
            fire("CHANNEL_EXECUTE", call.legs[0], ["Application": "bridge", "Application-Data": "user/\(destination)"])
            log(call.legs[0], 6, "EXECUTE [depth=0] \(a.name) bridge(user/\(destination))", header: false)
            var b = Leg(uuid: UUIDText.random(), name: "sofia/internal/\(destination)@192.0.2.20", direction: "outbound", callerName: name,
                        callerNumber: number, destination: destination, codec: codec, created: now + 10_000)
            b.other = a.uuid
            b.otherType = "originator"
            call.legs[0].other = b.uuid
            call.legs[0].otherType = "originatee"
            call.legs.append(b)
            lock.withLock { $0[b.uuid] = call }
            fire("CHANNEL_OUTGOING", b)
            fire("CHANNEL_CREATE", b)
            log(b, 5, "switch_channel.c:1143 New Channel \(b.name) [\(b.uuid)]")
        }
    }

    private func run(_ step: Step, on call: Call, now: Int) {
        switch step {
        case .ring:
            // The far side rings (the B leg when bridged), the caller hears it.
            for index in call.legs.indices.reversed() { transition(call, index, to: "RINGING") }
        case .early:
            let index = call.legs.count - 1
            fire("CHANNEL_PROGRESS_MEDIA", call.legs[index])
            transition(call, index, to: "EARLY")
        case .answer:
            for index in call.legs.indices.reversed() {
                call.legs[index].answered = true
                fire("CHANNEL_ANSWER", call.legs[index])
                transition(call, index, to: "ACTIVE")
                log(call.legs[index], 5, "sofia/internal: Channel [\(call.legs[index].name)] has been answered")
                fire("CODEC", call.legs[index])
            }
            if call.legs.count == 1 {
                let (app, data) = [("park", ""), ("conference", "3000@default"), ("playback", "ivr/ivr-welcome.wav")].randomElement(using: &random)!
                call.legs[0].application = app
                call.legs[0].applicationData = data
                call.legs[0].state = "CS_EXECUTE"
                fire("CHANNEL_EXECUTE", call.legs[0], ["Application": app, "Application-Data": data])
                log(call.legs[0], 6, "EXECUTE [depth=0] \(call.legs[0].name) \(app)(\(data))", header: false)
            }
        case .bridge:
            guard call.legs.count == 2 else { return }
            fire("CHANNEL_BRIDGE", call.legs[0], ["Bridge-A-Unique-ID": call.legs[0].uuid, "Bridge-B-Unique-ID": call.legs[1].uuid])
            log(call.legs[0], 7, "switch_ivr_bridge.c:1689 (\(call.legs[0].name)) bridged to \(call.legs[1].name)")
        case .hold:
            fire("CHANNEL_HOLD", call.legs[0])
            transition(call, 0, to: "HELD")
        case .unhold:
            fire("CHANNEL_UNHOLD", call.legs[0])
            transition(call, 0, to: "ACTIVE")
        case .dtmf:
            let digit = String("0123456789*#".randomElement(using: &random)!)
            fire("DTMF", call.legs[0], ["DTMF-Digit": digit, "DTMF-Duration": "2000", "DTMF-Source": "RTP"])
            log(call.legs[0], 7, "switch_rtp.c:8041 RTP RECV DTMF \(digit):2000")
        case .hangUp:
            hangUp(call, cause: "NORMAL_CLEARING", first: Int.random(in: 0..<call.legs.count, using: &random))
        }
    }

    private func transition(_ call: Call, _ index: Int, to state: String) {
        let before = call.legs[index].callState
        guard before != state else { return }
        call.legs[index].callState = state
        fire("CHANNEL_CALLSTATE", call.legs[index], ["Original-Channel-Call-State": before])
        log(call.legs[index], 7, "switch_channel.c:3914 (\(call.legs[index].name)) Callstate Change \(before) -> \(state)")
    }

    /// Hangs up every leg of a call, `first` first; the call is gone when its DESTROYs are sent.
    func hangUp(_ call: Call, cause: String, first: Int = 0) {
        let order = [first] + call.legs.indices.filter { $0 != first }
        lock.withLock { calls in for leg in call.legs { calls[leg.uuid] = nil } }
        call.steps = []
        for index in order {
            fire("CHANNEL_HANGUP", call.legs[index], ["Hangup-Cause": cause])
            log(call.legs[index], 5, "switch_core_session.c:407 Hangup \(call.legs[index].name) [CS_EXECUTE] [\(cause)]")
        }
        if call.legs.count == 2 {
            fire("CHANNEL_UNBRIDGE", call.legs[0], ["Bridge-A-Unique-ID": call.legs[0].uuid, "Bridge-B-Unique-ID": call.legs[1].uuid, "Hangup-Cause": cause])
        }
        for index in order {
            transition(call, index, to: "HANGUP")
            call.legs[index].state = "CS_REPORTING"
            fire("CHANNEL_HANGUP_COMPLETE", call.legs[index], ["Hangup-Cause": cause, "variable_hangup_cause": cause])
            call.legs[index].state = "CS_DESTROY"
            fire("CHANNEL_DESTROY", call.legs[index], ["Hangup-Cause": cause])
            log(call.legs[index], 5, "switch_core_session.c:1770 Close Channel \(call.legs[index].name) [CS_DESTROY]")
        }
    }

    // MARK: - Events and log lines

    private func fire(_ name: String, _ leg: Leg, _ extra: KeyValuePairs<String, String> = [:]) {
        guard let simulator else { return }
        var headers = simulator.coreHeaders(name: name, file: "switch_channel.c", function: "switch_channel_perform_\(name.lowercased())", line: 3900)
        for (key, value) in extra where key.hasPrefix("Bridge-") { headers.append(Header(key, value)) }
        headers += [
            Header("Channel-State", leg.state), Header("Channel-Call-State", leg.callState), Header("Channel-Name", leg.name),
            Header("Unique-ID", leg.uuid), Header("Call-Direction", leg.direction),
            Header("Answer-State", leg.callState == "HANGUP" || name.hasPrefix("CHANNEL_HANGUP") || name == "CHANNEL_DESTROY" ? "hangup" : leg.answered ? "answered" : leg.callState == "EARLY" ? "early" : "ringing"),
            Header("Channel-Read-Codec-Name", leg.codec), Header("Channel-Read-Codec-Rate", leg.codec == "G722" || leg.codec == "opus" ? "16000" : "8000"),
            Header("Channel-Write-Codec-Name", leg.codec), Header("Channel-Write-Codec-Rate", leg.codec == "G722" || leg.codec == "opus" ? "16000" : "8000"),
            Header("Caller-Direction", leg.direction), Header("Caller-Caller-ID-Name", leg.callerName), Header("Caller-Caller-ID-Number", leg.callerNumber),
            Header("Caller-Destination-Number", leg.destination), Header("Caller-Unique-ID", leg.uuid), Header("Caller-Channel-Name", leg.name),
            Header("Caller-Channel-Created-Time", String(leg.created)),
        ]
        if let other = leg.other, let type = leg.otherType { headers += [Header("Other-Type", type), Header("Other-Leg-Unique-ID", other)] }
        for (key, value) in extra where !key.hasPrefix("Bridge-") { headers.append(Header(key, value)) }
        if !leg.application.isEmpty {
            headers += [Header("variable_current_application", leg.application), Header("variable_current_application_data", leg.applicationData)]
        }
        simulator.fire(Event(headers: Headers(headers)))
    }

    /// A log line as the switch writes it: `date time.micros cpu% [LEVEL] file:line text`.
    private func log(_ leg: Leg, _ level: Int, _ text: String, header: Bool = true) {
        let clock = EventDateStamps.now()
        let micros = String(clock.microseconds % 1_000_000)
        let stamp = "\(clock.local).\(String(repeating: "0", count: 6 - micros.count))\(micros) 96.50% [\(LogLine.levelNames[level])] "
        let file = String(text.prefix { $0 != ":" })
        simulator?.log(LogLine(level: level, textChannel: 3, file: file, function: "", line: 0, userData: leg.uuid, text: (header ? stamp : "") + text + "\n"))
    }

    // MARK: - API answers from the same calls

    /// The answer to an API command about calls, or nil for one this mode leaves to the simulator.
    func answer(_ name: String, _ argument: String) -> String? {
        let words = argument.split(separator: " ").map { String($0).lowercasedASCII }
        switch name {
        case "show":
            guard let what = words.first, what == "channels" || what == "calls" else { return nil }
            let legs = lock.withLock { calls -> [Leg] in
                var seen = Set<ObjectIdentifier>()
                return calls.values.filter { seen.insert(ObjectIdentifier($0)).inserted }.flatMap(\.legs).sorted { $0.created < $1.created }
            }
            if words.dropFirst().first == "count" {
                return "\n\(what == "channels" ? legs.count : legs.filter { $0.otherType != "originator" }.count) total.\n"
            }
            let shown = what == "channels" ? legs : legs.filter { $0.otherType != "originator" }
            let json = words.count >= 3 && words[words.count - 2] == "as" && words.last == "json"
            return table(shown, json: json)
        case "uuid_kill":
            guard let uuid = argument.split(separator: " ").first.map(String.init), let call = lock.withLock({ $0[uuid] }) else { return nil }
            let cause = argument.split(separator: " ").dropFirst().first.map(String.init) ?? "NORMAL_CLEARING"
            serial.withLock { _ in hangUp(call, cause: cause, first: call.legs.firstIndex { $0.uuid == uuid } ?? 0) }
            return "+OK\n"
        case "uuid_exists":
            return lock.withLock({ $0[argument] }) != nil ? "true" : nil
        case "hupall":
            let calls = lock.withLock { calls -> [Call] in
                var seen = Set<ObjectIdentifier>()
                return calls.values.filter { seen.insert(ObjectIdentifier($0)).inserted }
            }
            // `hupall CAUSE VARIABLE VALUE` hangs up only the channels with that variable's value, as the
            // switch does; the busy calls answer to `destination_number`, the variable the demo uses.
            let chosen = words.count >= 3
                ? calls.filter { call in words[1] == "destination_number" && call.legs.contains { $0.destination == words[2] } }
                : calls
            serial.withLock { _ in for call in chosen { hangUp(call, cause: words.first?.uppercased() ?? "MANAGER_REQUEST") } }
            return nil  // the simulator's own calls too, and its answer
        default:
            return nil
        }
    }

    static let columns = ["uuid", "direction", "created", "created_epoch", "name", "state", "cid_name", "cid_num", "ip_addr", "dest",
                          "application", "application_data", "dialplan", "context", "read_codec", "read_rate", "write_codec", "write_rate",
                          "hostname", "callstate", "call_uuid", "initial_cid_name", "initial_cid_num", "initial_dest"]

    private func table(_ legs: [Leg], json: Bool) -> String {
        let host = simulator?.configuration.hostname ?? ""
        let rows = legs.map { leg -> [String] in
            let rate = leg.codec == "G722" || leg.codec == "opus" ? "16000" : "8000"
            var seconds = leg.created / 1_000_000
            var parts = tm()
            localtime_r(&seconds, &parts)
            var buffer = [CChar](repeating: 0, count: 32)
            let length = strftime(&buffer, buffer.count, "%Y-%m-%d %H:%M:%S", &parts)
            let created = String(decoding: buffer[0..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            // As the switch fills it: an originated leg names its originator, an A leg itself.
            let call = leg.otherType == "originator" ? leg.other ?? "" : leg.uuid
            return [leg.uuid, leg.direction, created, String(seconds), leg.name, leg.state, leg.callerName, leg.callerNumber, "192.0.2.10",
                    leg.destination, leg.application, leg.applicationData, "XML", "default", leg.codec, rate, leg.codec, rate, host,
                    leg.callState, call, leg.callerName, leg.callerNumber, leg.destination]
        }
        if json {
            if rows.isEmpty { return "{\"row_count\": 0}\n" }
            let objects = rows.map { row in "{" + zip(Self.columns, row).map { "\"\($0)\":\(Self.quoted($1))" }.joined(separator: ",") + "}" }
            return "{\"row_count\":\(rows.count),\"rows\":[\(objects.joined(separator: ","))]}\n"
        }
        if rows.isEmpty { return "\n0 total.\n" }
        return Self.columns.joined(separator: ",") + "\n" + rows.map { $0.joined(separator: ",") }.joined(separator: "\n") + "\n\n\(rows.count) total.\n"
    }

    static func quoted(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case _ where scalar.value < 0x20: out += "\\u00" + (scalar.value < 0x10 ? "0" : "") + String(scalar.value, radix: 16)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
