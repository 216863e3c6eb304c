import ESLProtocol

/// One call that FreeSWITCH's `socket` application handed to the outbound console: what the `connect`
/// reply said about it, kept up to date from its events. Pure data; the connection lives elsewhere.
public struct OutboundCall: Sendable {
    public let number: Int
    public let uuid: String
    public let callerName: String?
    public let callerNumber: String?
    public let destination: String
    public let channelName: String
    /// `Answer-State` (ringing, early, answered, hangup), updated by every event that carries it.
    public var state: String
    public let arrived: Deadline
    /// The channel data from `connect` (`/vars`).
    public let channel: Event
    /// `/events`: show this call's events as they arrive.
    public var showEvents = false
    /// Applications started from the console and not yet complete: Application-UUID → what was typed.
    public var running: [(uuid: String, line: String)] = []
    /// Set once the call has hung up (its socket may stay open while it lingers).
    public var hangupCause: String?
    /// The hangup was told to the user (at CHANNEL_HANGUP_COMPLETE).
    var hangupReported = false

    public init(number: Int, channel: Event, arrived: Deadline) {
        self.number = number
        self.channel = channel
        self.arrived = arrived
        uuid = channel["Unique-ID"] ?? channel["Channel-Unique-ID"] ?? channel["Caller-Unique-ID"] ?? "?"
        // Caller-* as in every event of the call; the connect reply also repeats them as Channel-*.
        callerName = channel["Caller-Caller-ID-Name"] ?? channel["Channel-Caller-ID-Name"]
        callerNumber = channel["Caller-Caller-ID-Number"] ?? channel["Channel-Caller-ID-Number"]
        destination = channel["Caller-Destination-Number"] ?? channel["Channel-Destination-Number"] ?? "?"
        channelName = channel["Channel-Name"] ?? channel["Caller-Channel-Name"] ?? "?"
        state = channel["Answer-State"] ?? channel["Channel-Call-State"] ?? "?"
    }

    // The texts below are for a person and made of what the switch sent (a caller may name itself
    // `ESC]52;…`), so each is escaped as one line; the raw values above are for commands.

    /// `Alice <1000>`, `<1000>`, `Alice`, or `?`.
    public var caller: String {
        let parts = [callerName, callerNumber.map { "<\($0)>" }].compactMap { $0 }
        return parts.isEmpty ? "?" : TerminalText.visible(parts.joined(separator: " "))
    }

    /// `call 1 (1000→9196)`: the number, or else the name, of the caller (the outbound console's prompt).
    public var label: String { TerminalText.visible("call \(number) (\(callerNumber ?? callerName ?? "")→\(destination))") }

    /// How the console announces the call: `call <uuid> from <caller> to <dest> on <channel> (<state>)`.
    public var announcement: String { TerminalText.visible("call \(uuid) from \(caller) to \(destination) on \(channelName) (\(state))") }

    /// The channel variables (`variable_*` headers of the channel data), in the server's order.
    public var variables: [(name: String, value: String)] {
        channel.headers.compactMap { header in
            header.name.hasPrefix("variable_") ? (String(header.name.dropFirst(9)), header.value) : nil
        }
    }
}

/// What happened to a call, as the console reports it.
public enum CallNews: Sendable, Equatable {
    /// One of the call's events, while `/events` is on.
    case event(Event)
    /// An application started here completed (`Application-Response`, nil when `_none_`).
    case completed(line: String, response: String?)
    /// The call hung up; applications still running are named.
    case hungUp(cause: String, abandoned: [String])
}

/// The calls of the outbound console, numbered from 1 in order of arrival (numbers are never reused),
/// and which one the shell is bound to.
public struct CallTable: Sendable {
    public private(set) var calls: [OutboundCall] = []
    public private(set) var current: Int?
    private var nextNumber = 1

    public init() {}

    /// Adds an arriving call; it becomes the current call when there is none.
    @discardableResult
    public mutating func add(channel: Event, arrived: Deadline) -> OutboundCall {
        let call = OutboundCall(number: nextNumber, channel: channel, arrived: arrived)
        nextNumber += 1
        calls.append(call)
        if current == nil { current = call.number }
        return call
    }

    /// Removes a call; when it was the current one, the oldest remaining call becomes current.
    public mutating func remove(_ number: Int) {
        calls.removeAll { $0.number == number }
        if current == number { current = calls.first?.number }
    }

    /// Binds the shell to call `number`; false when there is no such call.
    public mutating func select(_ number: Int) -> Bool {
        guard calls.contains(where: { $0.number == number }) else { return false }
        current = number
        return true
    }

    public subscript(number: Int) -> OutboundCall? {
        calls.first { $0.number == number }
    }

    public var currentCall: OutboundCall? { current.flatMap { self[$0] } }

    /// Notes an application started on a call, to match its CHANNEL_EXECUTE_COMPLETE later.
    public mutating func started(_ line: String, applicationUUID: String, on number: Int) {
        guard let index = calls.firstIndex(where: { $0.number == number }) else { return }
        calls[index].running.append((applicationUUID, line))
    }

    /// An application that will not complete (its sendmsg was refused or not answered).
    public mutating func forget(_ applicationUUID: String, on number: Int) {
        guard let index = calls.firstIndex(where: { $0.number == number }) else { return }
        calls[index].running.removeAll { $0.uuid == applicationUUID }
    }

    /// Follows one of a call's events: its state, the completion of applications started here, its
    /// hangup. Returns what to tell the user.
    public mutating func observe(_ event: Event, on number: Int) -> [CallNews] {
        guard let index = calls.firstIndex(where: { $0.number == number }) else { return [] }
        var news: [CallNews] = calls[index].showEvents ? [.event(event)] : []
        if let state = event["Answer-State"] { calls[index].state = state }
        switch event.name {
        case "CHANNEL_EXECUTE_COMPLETE":
            if let uuid = event["Application-UUID"], let position = calls[index].running.firstIndex(where: { $0.uuid == uuid }) {
                let line = calls[index].running.remove(at: position).line
                let response = event["Application-Response"].flatMap { $0 == "_none_" || $0.isEmpty ? nil : $0 }
                news.append(.completed(line: line, response: response))
            }
        case "CHANNEL_HANGUP":
            // Applications still complete after CHANNEL_HANGUP (the hangup application itself does, in the
            // outbound-session capture): what was left is known only at CHANNEL_HANGUP_COMPLETE.
            if calls[index].hangupCause == nil { calls[index].hangupCause = event["Hangup-Cause"] ?? "?" }
            calls[index].state = "hangup"
        case "CHANNEL_HANGUP_COMPLETE":
            guard !calls[index].hangupReported else { break }
            let cause = calls[index].hangupCause ?? event["Hangup-Cause"] ?? "?"
            calls[index].hangupCause = cause
            calls[index].hangupReported = true
            calls[index].state = "hangup"
            news.append(.hungUp(cause: cause, abandoned: calls[index].running.map(\.line)))
            calls[index].running = []
        default:
            break
        }
        return news
    }

    /// `/events`: toggles showing the call's events; returns the new setting.
    public mutating func toggleEvents(_ number: Int) -> Bool {
        guard let index = calls.firstIndex(where: { $0.number == number }) else { return false }
        calls[index].showEvents.toggle()
        return calls[index].showEvents
    }

    /// `call 1 (1000→9196)> `, or `no call> ` while waiting for one.
    public var prompt: String { (currentCall?.label ?? "no call") + "> " }

    /// `/calls`: one row per call, the current one marked with `*`.
    public func listing(now: Deadline) -> String {
        guard !calls.isEmpty else { return "No calls.\n" }
        var rows = [["", "N", "UUID", "CALLER", "DESTINATION", "STATE", "AGE"]]
        for call in calls {
            let seconds = Int((now.nanoseconds &- call.arrived.nanoseconds) / 1_000_000_000)
            rows.append([call.number == current ? "*" : "", String(call.number), TerminalText.visible(call.uuid), call.caller,
                         TerminalText.visible(call.destination), TerminalText.visible(call.state), Self.age(seconds: now < call.arrived ? 0 : seconds)])
        }
        var widths = [Int](repeating: 0, count: rows[0].count)
        for row in rows { for (column, cell) in row.enumerated() { widths[column] = max(widths[column], DisplayWidth.of(cell)) } }
        return rows.map { row in
            var line = ""
            for (column, cell) in row.enumerated() {
                line += cell
                if column < row.count - 1 { line += String(repeating: " ", count: widths[column] - DisplayWidth.of(cell) + 2) }
            }
            while line.last == " " { line.removeLast() }
            return line
        }.joined(separator: "\n") + "\n"
    }

    /// `42s`, `3m05s`, `1h02m`.
    public static func age(seconds: Int) -> String {
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : String(value) }
        if seconds < 60 { return "\(max(0, seconds))s" }
        if seconds < 3600 { return "\(seconds / 60)m\(two(seconds % 60))s" }
        return "\(seconds / 3600)h\(two(seconds / 60 % 60))m"
    }
}
