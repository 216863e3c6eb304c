import ESLProtocol

/// What happened to one call, as a timeline: the events of the call and of the legs that join it, and
/// the log lines whose `User-Data` names one of them. The set of legs grows as they appear: an event
/// of a traced leg brings in its `Other-Leg-Unique-ID` and `Bridge-A/B-Unique-ID`; an event of another
/// channel whose other leg (originator, originatee, bridge side) is traced brings that channel in. An
/// item is taken when it arrives, so what a leg did before it was known to belong is not shown.
/// `isDone` once every traced leg was destroyed. Pure: the same messages give the same items.
public struct CallTrace: Sendable {
    public struct Item: Sendable, Equatable {
        public enum Kind: Sendable, Equatable {
            case event(name: String, detail: String)
            case log(level: Int, text: String)
        }

        /// Microseconds since the trace's first item (switch time).
        public var offset: Int
        public var leg: String
        public var uuid: String
        public var kind: Kind
    }

    public struct Leg: Sendable, Equatable {
        public var uuid: String
        public var tag: String
        public var channelName = ""
        public var direction = ""
        public var hangupCause: String?
        public var destroyed = false
    }

    public private(set) var legs: [Leg]
    private var index: [String: Int]
    /// Switch times of the first item and of the latest one.
    private var first: Int?
    private var latest: Int?
    private var ended: Int?
    /// The first leg to hang up, with its cause.
    private var hungUpFirst: (tag: String, cause: String)?
    /// At most this many legs are followed (a trace of a conference can grow without end).
    public var maximumLegs = 64

    public init(uuid: String) {
        legs = [Leg(uuid: uuid, tag: "A")]
        index = [uuid.lowercasedASCII: 0]
    }

    /// True once every leg that joined the call was destroyed.
    public var isDone: Bool { legs.allSatisfy(\.destroyed) }

    public var uuids: [String] { legs.map(\.uuid) }

    public func contains(_ uuid: String) -> Bool { index[uuid.lowercasedASCII] != nil }

    /// The item a message adds to the trace, or nil when it is not about the call.
    public mutating func take(_ message: Message) -> Item? {
        switch message {
        case .event(let event, _): return take(event)
        case .log(let line): return take(line)
        default: return nil
        }
    }

    public mutating func take(_ event: Event) -> Item? {
        guard let uuid = event.uniqueID, !uuid.isEmpty else { return nil }
        let related = [event["Other-Leg-Unique-ID"], event["Bridge-A-Unique-ID"], event["Bridge-B-Unique-ID"]].compactMap { $0 }.filter { !$0.isEmpty }
        if !contains(uuid) {
            guard related.contains(where: contains) else { return nil }
            add(uuid)
        }
        for other in related { add(other) }
        guard let position = index[uuid.lowercasedASCII] else { return nil }
        var leg = legs[position]
        if let name = event["Channel-Name"] { leg.channelName = name }
        if let direction = event["Call-Direction"] { leg.direction = direction }
        switch event.name {
        case "CHANNEL_HANGUP", "CHANNEL_HANGUP_COMPLETE":
            let cause = event["Hangup-Cause"] ?? "?"
            leg.hangupCause = cause
            if hungUpFirst == nil { hungUpFirst = (leg.tag, cause) }
        case "CHANNEL_DESTROY":
            leg.destroyed = true
        default: break
        }
        legs[position] = leg
        let time = SwitchClock.time(of: event) ?? latest ?? 0
        if event.name == "CHANNEL_DESTROY" { ended = max(ended ?? time, time) }
        return item(time: time, leg: leg, kind: .event(name: event.name, detail: detail(event)))
    }

    public mutating func take(_ line: LogLine) -> Item? {
        guard !line.userData.isEmpty, let position = index[line.userData.lowercasedASCII] else { return nil }
        let time = SwitchClock.time(of: line) ?? latest ?? 0
        var text = String(SwitchClock.message(of: line))
        while text.last == "\n" || text.last == "\r" { text.removeLast() }
        return item(time: time, leg: legs[position], kind: .log(level: line.level, text: text))
    }

    private mutating func item(time: Int, leg: Leg, kind: Item.Kind) -> Item {
        if first == nil { first = time }
        latest = time
        return Item(offset: time - first!, leg: leg.tag, uuid: leg.uuid, kind: kind)
    }

    /// Follows a leg known to be of the call already (a view opened on a call that is up).
    public mutating func follow(_ uuid: String) { add(uuid) }

    private mutating func add(_ uuid: String) {
        let key = uuid.lowercasedASCII
        guard index[key] == nil, legs.count < maximumLegs else { return }
        index[key] = legs.count
        legs.append(Leg(uuid: uuid, tag: Self.tag(legs.count)))
    }

    /// A, B, … Z, AA, AB, …
    static func tag(_ number: Int) -> String {
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZ")
        return number < 26 ? String(letters[number]) : String(letters[number / 26 - 1]) + String(letters[number % 26])
    }

    private func tag(of uuid: String?) -> String {
        guard let uuid, let position = index[uuid.lowercasedASCII] else { return uuid.map { String($0.prefix(8)) } ?? "?" }
        return legs[position].tag
    }

    /// What matters in an event for the timeline.
    func detail(_ event: Event) -> String {
        func caller() -> String {
            let name = event["Caller-Caller-ID-Name"].map { "\"\($0)\"" }
            let number = event["Caller-Caller-ID-Number"].map { "<\($0)>" }
            return [name, number].compactMap { $0 }.joined(separator: " ")
        }
        func app() -> String {
            let name = event["Application"] ?? "?"
            let data = event["Application-Data"] ?? ""
            return data.isEmpty ? name : "\(name)(\(data))"
        }
        func codec(_ side: String) -> String? {
            guard let name = event["Channel-\(side)-Codec-Name"] else { return nil }
            return event["Channel-\(side)-Codec-Rate"].map { "\(name)/\($0)" } ?? name
        }
        switch event.name {
        case "CHANNEL_CREATE", "CHANNEL_OUTGOING", "CHANNEL_ORIGINATE":
            var parts = [event["Call-Direction"], event["Channel-Name"]].compactMap { $0 }
            let who = caller()
            if !who.isEmpty { parts.append(who + (event["Caller-Destination-Number"].map { " → \($0)" } ?? "")) }
            if let type = event["Other-Type"], let other = event["Other-Leg-Unique-ID"] { parts.append("\(type) \(tag(of: other))") }
            return parts.joined(separator: " ")
        case "CHANNEL_STATE":
            return event["Channel-State"] ?? ""
        case "CHANNEL_CALLSTATE":
            let to = event["Channel-Call-State"] ?? "?"
            return event["Original-Channel-Call-State"].map { "\($0) → \(to)" } ?? to
        case "CHANNEL_EXECUTE":
            return app()
        case "CHANNEL_EXECUTE_COMPLETE":
            let response = event["Application-Response"] ?? ""
            return app() + (response.isEmpty || response == "_none_" ? "" : " → \(response)")
        case "CHANNEL_BRIDGE", "CHANNEL_UNBRIDGE":
            return "\(tag(of: event["Bridge-A-Unique-ID"])) ↔ \(tag(of: event["Bridge-B-Unique-ID"]))"
        case "CHANNEL_HANGUP", "CHANNEL_HANGUP_COMPLETE":
            return event["Hangup-Cause"] ?? ""
        case "CODEC":
            let read = codec("Read"), write = codec("Write")
            if let read, let write, read != write { return "read \(read) write \(write)" }
            if let read, write == nil { return "read \(read)" }
            return read ?? write.map { "write \($0)" } ?? ""
        case "CALL_UPDATE":
            return caller()
        case "DTMF":
            return event["DTMF-Digit"].map { "digit \($0)" } ?? ""
        default:
            return ""
        }
    }

    /// The closing line: how long, how it ended and who hung up first, and the legs.
    public var summary: String {
        let span = (ended ?? latest ?? 0) - (first ?? 0)
        var text = isDone ? "call ended after \(Self.seconds(span)) s" : "call still up after \(Self.seconds(span)) s"
        if let hungUpFirst { text += ": \(hungUpFirst.cause), hung up first by \(hungUpFirst.tag)" }
        let described = legs.map { leg in
            ([leg.tag, leg.uuid, leg.direction, leg.channelName].filter { !$0.isEmpty }).joined(separator: " ")
        }
        return text + "; legs: " + described.joined(separator: ", ")
    }

    /// `2.539`: seconds with milliseconds, cut (not rounded), as the timeline shows them.
    static func seconds(_ micros: Int) -> String {
        let sign = micros < 0 ? "-" : ""
        let milliseconds = abs(micros) / 1000
        let fraction = String(milliseconds % 1000)
        return sign + String(milliseconds / 1000) + "." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
