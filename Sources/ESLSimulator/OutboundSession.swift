import ESLProtocol

/// Outbound mode: the session FreeSWITCH opens to a listener for one call (`socket` application).
enum Linger: Equatable {
    case seconds(Int)
    case forever
}

extension SimulatorSession {
    /// Commands that mean something else when the session controls a call.
    func handleOutbound(_ command: ReceivedCommand, _ lower: String, _ call: SimulatedCall) -> Bool? {
        let words = lower.split(separator: " ").map(String.init)
        switch words.first {
        case "connect":
            var lines = ""
            for header in call.channelData().headers { lines += "\(header.name): \(PercentCoding.encode(header.value))\n" }
            lines += "Content-Type: command/reply\nReply-Text: %2BOK%0A\nSocket-Mode: async\nControl: full\n\n"
            write(Array(lines.utf8))
        case "myevents":
            state.withLock { state in
                state.subscription.sessionUUID = call.uuid
                if let format = words.dropFirst().first.flatMap({ EventFormat(rawValue: $0) }) { state.subscription.format = format }
            }
            reply("+OK Events Enabled")
        case "linger":
            // `linger 5` as in the outbound-session capture; without a time it lingers until the events
            // are sent (the reference's "+OK will linger"): no invented default.
            let seconds = words.dropFirst().first.flatMap { Int($0) }
            state.withLock { $0.linger = seconds.map { .seconds($0) } ?? .forever }
            reply(seconds.map { "+OK will linger \($0) seconds" } ?? "+OK will linger")
        case "nolinger":
            // The texts of nolinger and divert_events are the reference's (freeswitch-esl.md 2.5); no capture has them.
            state.withLock { $0.linger = nil }
            reply("+OK will not linger")
        case "getvar":
            reply(call.variable(String(command.line.dropFirst(6)).trimmingSpaces))
        case "resume":
            reply("+OK")
        case "divert_events":
            reply(words.dropFirst().first == "on" ? "+OK events diverted" : "+OK events not diverted")
        case "sendmsg" where words.count == 1 && command.headers["Session-ID"] == nil:
            var headers = command.headers
            headers.append("Session-ID", call.uuid)
            sendmsg(ReceivedCommand(line: command.line, headers: headers, body: command.body))
        default:
            return nil
        }
        return true
    }
}
