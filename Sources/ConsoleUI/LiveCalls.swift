import ESLProtocol
import Synchronization

/// The calls on one or more switches, as `--top` shows them: built from a `show channels as json`
/// snapshot, then kept current by channel events. One row per call: a leg originated by another leg
/// (its events carry `Other-Type: originator`) or bridged to it joins that leg's row; any other
/// channel is a row of its own — the grouping `show calls` uses, so the row count agrees with
/// `show calls count`. Pure: times are passed in (microseconds since the epoch).
public struct LiveCalls: Sendable {
    /// What a row's state column says.
    public enum State: String, Sendable, CaseIterable, Comparable {
        case ringing, early, active, held
        case hangingUp = "hanging up"

        public static func < (lhs: State, rhs: State) -> Bool {
            allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
        }
    }

    /// One channel.
    public struct Leg: Sendable, Equatable {
        public var uuid: String
        public var host: String
        public var channelName = ""
        public var direction = ""
        public var callerName = ""
        public var callerNumber = ""
        public var destination = ""
        /// Channel-Call-State: DOWN, RINGING, EARLY, ACTIVE, HELD, RING_WAIT, HANGUP…
        public var callState = "DOWN"
        public var answered = false
        public var held = false
        public var hangingUp = false
        public var readCodec = ""
        public var writeCodec = ""
        public var application = ""
        public var applicationData = ""
        /// Microseconds since the epoch.
        public var created = 0
        /// The leg whose row this one joins (its originator, or the A side of its bridge).
        public var joins: String?

        public init(uuid: String, host: String) {
            self.uuid = uuid
            self.host = host
        }

        public var state: State {
            if hangingUp || callState == "HANGUP" { return .hangingUp }
            if held || callState == "HELD" { return .held }
            switch callState {
            case "ACTIVE": return .active
            case "EARLY": return .early
            case "RINGING", "RING_WAIT": return .ringing
            default: return answered ? .active : .ringing
            }
        }
    }

    /// One call: its first leg and the legs that joined it.
    public struct Row: Sendable, Equatable {
        public var legs: [Leg]
        public var uuid: String { legs[0].uuid }
        public var host: String { legs[0].host }
        public var callerName: String { legs[0].callerName }
        public var callerNumber: String { legs[0].callerNumber }
        public var destination: String { legs[0].destination }
        public var direction: String { legs[0].direction }
        public var started: Int { legs[0].created }
        /// The other leg of the call, when it has one.
        public var otherLeg: String? { legs.count > 1 ? legs[1].uuid : nil }

        public var state: State {
            if legs.contains(where: { $0.state == .hangingUp }) { return .hangingUp }
            if legs.contains(where: { $0.state == .held }) { return .held }
            return legs[0].state
        }

        /// The codecs in use, each named once: `PCMU`, `PCMA/G722`.
        public var codecs: String {
            var names: [String] = []
            for leg in legs { for codec in [leg.readCodec, leg.writeCodec] where !codec.isEmpty && !names.contains(codec) { names.append(codec) } }
            return names.joined(separator: "/")
        }

        /// The application the call is running (the first leg's, else another's).
        public var application: String {
            guard let leg = legs.first(where: { !$0.application.isEmpty }) else { return "" }
            return leg.applicationData.isEmpty ? leg.application : "\(leg.application) \(leg.applicationData)"
        }

        /// Seconds since the call started.
        public func duration(now: Int) -> Int { started > 0 ? max(0, (now - started) / 1_000_000) : 0 }

        /// The text a filter looks in.
        var searchText: String {
            ([callerName, callerNumber, destination, direction, state.rawValue, codecs, application, host] + legs.map(\.uuid) + legs.map(\.channelName))
                .joined(separator: "\u{0}").lowercased()
        }
    }

    public enum Sort: String, Sendable, CaseIterable {
        case duration, state, caller

        /// The next one, for the `s` key.
        public var next: Sort { Self.allCases[(Self.allCases.firstIndex(of: self)! + 1) % Self.allCases.count] }
    }

    /// The calls' legs as keys, root first, worked out once per change of who joins whom (a frame
    /// with 1,000 calls then only looks legs up). A new box on every such change: a copy of the table
    /// keeps the box that matches it.
    private final class Grouping: Sendable {
        let groups = Mutex<[[String]]?>(nil)
    }
    private var grouping = Grouping()

    private mutating func regroup() { grouping = Grouping() }

    /// Legs by key (host and lowercased uuid), and the order they were first seen in.
    private var legs: [String: Leg] = [:]
    private var order: [String] = []
    /// Pairs split by CHANNEL_UNBRIDGE: later events' originator header does not join them again.
    private var split: Set<String> = []
    /// Legs destroyed lately: the CHANNEL_STATE (CS_DESTROY) that follows a CHANNEL_DESTROY must not
    /// bring the leg back. A ring of keys, so it stays small.
    private var destroyed: Set<String> = []
    private var destroyedOrder: [String] = []
    /// Hosts whose table no longer reflects the switch (start, reconnect, dropped events).
    public private(set) var stale: Set<String> = []
    /// At most this many legs are kept (a bound for a switch that never sends DESTROY).
    public var capacity = 50_000

    public init() {}

    public var channelCount: Int { legs.count }

    /// Every channel, in the order first seen.
    public var allLegs: [Leg] { order.compactMap { legs[$0] } }

    public func leg(_ uuid: String, host: String) -> Leg? { legs[Self.key(host, uuid)] }

    static func key(_ host: String, _ uuid: String) -> String { host + "\u{0}" + uuid.lowercasedASCII }

    /// The table for `host` must be loaded again before it can be trusted (reconnect, drops).
    public mutating func markStale(host: String) { stale.insert(host) }

    public func needsSnapshot(host: String) -> Bool { stale.contains(host) }

    /// Replaces what is known of `host` with a `show channels as json` answer. False when the text is
    /// not such an answer (the table is then left as it was, and still stale).
    @discardableResult
    public mutating func load(channelsJSON text: String, host: String) -> Bool {
        guard case .object(let members)? = JSONValue.parse(text),
              members.contains(where: { $0.key == "row_count" }) else { return false }
        var rows: [[(key: String, value: JSONValue)]] = []
        if let list = members.first(where: { $0.key == "rows" })?.value {
            guard case .array(let items) = list else { return false }
            for item in items { if case .object(let row) = item { rows.append(row) } }
        }
        removeAll(host: host)
        var loaded: [Leg] = []
        for row in rows {
            func field(_ name: String) -> String {
                if case .string(let text)? = row.first(where: { $0.key == name })?.value { return text }
                return ""
            }
            let uuid = field("uuid")
            guard !uuid.isEmpty else { continue }
            var leg = Leg(uuid: uuid, host: host)
            leg.channelName = field("name")
            leg.direction = field("direction")
            leg.callerName = field("initial_cid_name").isEmpty ? field("cid_name") : field("initial_cid_name")
            leg.callerNumber = field("initial_cid_num").isEmpty ? field("cid_num") : field("initial_cid_num")
            leg.destination = field("initial_dest").isEmpty ? field("dest") : field("initial_dest")
            leg.callState = field("callstate").isEmpty ? "DOWN" : field("callstate")
            leg.answered = leg.callState == "ACTIVE" || leg.callState == "HELD"
            leg.readCodec = field("read_codec")
            leg.writeCodec = field("write_codec")
            leg.application = field("application")
            leg.applicationData = field("application_data")
            leg.created = (Int(field("created_epoch")) ?? 0) * 1_000_000
            // `call_uuid` names the leg that originated this one (itself, or empty, otherwise).
            let call = field("call_uuid")
            if !call.isEmpty, !call.equalsIgnoringASCIICase(uuid) { leg.joins = call }
            loaded.append(leg)
        }
        for leg in loaded.prefix(capacity) { insert(leg) }
        stale.remove(host)
        return true
    }

    private mutating func insert(_ leg: Leg) {
        let key = Self.key(leg.host, leg.uuid)
        if legs.updateValue(leg, forKey: key) == nil { order.append(key) }
        regroup()
    }

    private mutating func removeAll(host: String) {
        let prefix = host + "\u{0}"
        for key in order where key.hasPrefix(prefix) { legs[key] = nil }
        order.removeAll { $0.hasPrefix(prefix) }
        regroup()
        split = split.filter { !$0.hasPrefix(prefix) }
    }

    /// The events that change the table; the view subscribes to these.
    public static let eventNames = [
        "CHANNEL_CREATE", "CHANNEL_OUTGOING", "CHANNEL_ORIGINATE", "CHANNEL_ANSWER", "CHANNEL_PROGRESS", "CHANNEL_PROGRESS_MEDIA",
        "CHANNEL_BRIDGE", "CHANNEL_UNBRIDGE", "CHANNEL_CALLSTATE", "CHANNEL_HOLD", "CHANNEL_UNHOLD", "CALL_UPDATE", "CODEC",
        "CHANNEL_EXECUTE", "CHANNEL_EXECUTE_COMPLETE", "CHANNEL_HANGUP", "CHANNEL_HANGUP_COMPLETE", "CHANNEL_DESTROY", "HEARTBEAT",
    ]

    /// Applies one event from `host`; true when the table changed.
    @discardableResult
    public mutating func apply(_ event: Event, host: String) -> Bool {
        let name = event.name
        guard name.hasPrefix("CHANNEL_") || name == "CALL_UPDATE" || name == "CODEC", let uuid = event.uniqueID, !uuid.isEmpty else { return false }
        let key = Self.key(host, uuid)
        if name == "CHANNEL_DESTROY" {
            if destroyed.insert(key).inserted {
                destroyedOrder.append(key)
                if destroyedOrder.count > 4096 { destroyed.remove(destroyedOrder.removeFirst()) }
            }
            guard legs.removeValue(forKey: key) != nil else { return false }
            order.removeAll { $0 == key }
            regroup()
            return true
        }
        guard !destroyed.contains(key) else { return false }
        var leg: Leg
        if let known = legs[key] {
            leg = known
        } else {
            // A leg first seen after its hangup is not worth a row.
            guard name != "CHANNEL_HANGUP_COMPLETE", legs.count < capacity else { return false }
            leg = Leg(uuid: uuid, host: host)
        }
        let before = leg
        update(&leg, from: event)
        switch name {
        case "CHANNEL_ANSWER": leg.answered = true
        case "CHANNEL_HOLD": leg.held = true
        case "CHANNEL_UNHOLD": leg.held = false
        case "CHANNEL_HANGUP", "CHANNEL_HANGUP_COMPLETE": leg.hangingUp = true
        case "CHANNEL_EXECUTE":
            leg.application = event["Application"] ?? ""
            // Plain events write an empty value as `_undef_`.
            leg.applicationData = event["Application-Data"].map { $0 == "_undef_" ? "" : $0 } ?? ""
        case "CHANNEL_EXECUTE_COMPLETE":
            if leg.application == event["Application"] { leg.application = ""; leg.applicationData = "" }
        case "CHANNEL_BRIDGE":
            if let a = event["Bridge-A-Unique-ID"], let b = event["Bridge-B-Unique-ID"] {
                split.remove(Self.key(host, b))
                join(b, to: a, host: host)
            }
        case "CHANNEL_UNBRIDGE":
            if let b = event["Bridge-B-Unique-ID"] {
                split.insert(Self.key(host, b))
                if b.equalsIgnoringASCIICase(uuid) { leg.joins = nil } else if var other = legs[Self.key(host, b)], !other.hangingUp {
                    other.joins = nil
                    legs[Self.key(host, b)] = other
                    regroup()
                }
            }
        default: break
        }
        if event["Other-Type"] == "originator", let other = event["Other-Leg-Unique-ID"], !split.contains(key) { leg.joins = other }
        if legs[key] == nil { order.append(key); regroup() } else if before.joins != leg.joins { regroup() }
        legs[key] = leg
        return leg != before
    }

    private mutating func join(_ uuid: String, to other: String, host: String) {
        let key = Self.key(host, uuid)
        guard var leg = legs[key], !other.equalsIgnoringASCIICase(uuid) else { return }
        leg.joins = other
        legs[key] = leg
        regroup()
    }

    /// What every channel event says about its channel.
    private func update(_ leg: inout Leg, from event: Event) {
        if let value = event["Channel-Name"] { leg.channelName = value }
        if let value = event["Call-Direction"] { leg.direction = value }
        // After a loopback or bridge flip, Caller-Caller-ID-* names the other party; the original is kept.
        if let value = event["Caller-Orig-Caller-ID-Name"] ?? (leg.callerName.isEmpty ? event["Caller-Caller-ID-Name"] : nil) { leg.callerName = value }
        if let value = event["Caller-Orig-Caller-ID-Number"] ?? (leg.callerNumber.isEmpty ? event["Caller-Caller-ID-Number"] : nil) { leg.callerNumber = value }
        if leg.destination.isEmpty, let value = event["Caller-Destination-Number"] { leg.destination = value }
        if let value = event["Channel-Call-State"] { leg.callState = value }
        if event["Answer-State"] == "answered" { leg.answered = true }
        if event["Answer-State"] == "hangup" { leg.hangingUp = true }
        if let value = event["Channel-Read-Codec-Name"] { leg.readCodec = value }
        if let value = event["Channel-Write-Codec-Name"] { leg.writeCodec = value }
        if leg.created == 0, let value = event["Caller-Channel-Created-Time"].flatMap(Int.init), value > 0 { leg.created = value }
        if leg.created == 0, let value = event["Event-Date-Timestamp"].flatMap(Int.init) { leg.created = value }
        if leg.application.isEmpty, let value = event["variable_current_application"] {
            leg.application = value
            leg.applicationData = event["variable_current_application_data"].map { $0 == "_undef_" ? "" : $0 } ?? ""
        }
    }

    /// The calls: legs grouped under the leg they join (followed to its root), matching `filter`
    /// (any text, case-insensitive) and sorted.
    public func rows(sort: Sort = .duration, filter: String = "") -> [Row] {
        let groups = grouping.groups.withLock { cached in
            if let cached { return cached }
            let computed = computeGroups()
            cached = computed
            return computed
        }
        var result = groups.compactMap { keys -> Row? in
            let members = keys.compactMap { legs[$0] }
            return members.isEmpty ? nil : Row(legs: members)
        }
        let needle = filter.lowercased()
        if !needle.isEmpty { result = result.filter { $0.searchText.contains(needle) } }
        switch sort {
        case .duration: result.sort { ($0.started, $0.uuid) < ($1.started, $1.uuid) }
        case .state: result.sort { ($0.state, $0.started, $0.uuid) < ($1.state, $1.started, $1.uuid) }
        case .caller: result.sort { ($0.callerName.lowercased(), $0.callerNumber, $0.started) < ($1.callerName.lowercased(), $1.callerNumber, $1.started) }
        }
        return result
    }

    private func computeGroups() -> [[String]] {
        var groups: [String: [String]] = [:]
        var roots: [String] = []
        for key in order {
            let root = self.root(of: key)
            if groups[root] == nil {
                roots.append(root)
                groups[root] = [root]
            }
            if key != root { groups[root]!.append(key) }
        }
        return roots.compactMap { groups[$0] }
    }

    /// The leg a leg's row belongs to: follow `joins` while the leg it names is known (a few steps at
    /// most; a loop stops where it started).
    private func root(of key: String) -> String {
        var current = key
        var seen: Set<String> = [key]
        while let next = legs[current]?.joins, let host = legs[current]?.host {
            let nextKey = Self.key(host, next)
            guard legs[nextKey] != nil, seen.insert(nextKey).inserted else { break }
            current = nextKey
        }
        return current
    }
}
