import ESLProtocol

/// The one grammar of outbound mode's lines, for `--listen` scripts and the outbound console alike:
/// a bare line is a dialplan application (`answer`, `playback /tmp/x.wav`), run with sendmsg execute
/// and carrying an Event-UUID so that its CHANNEL_EXECUTE_COMPLETE can be found among the call's
/// events; `/getvar name`, `/linger [s]`, `/nolinger`, `/resume`, `/hangup [cause]` are typed
/// commands; `/exit` (`/quit`, `/bye`) ends; any other `/word …` is sent as it is. The console also
/// has lines of its own (`/help`, `/calls`, `/call N`, `/events`, `/vars`), which a script sends on.
package enum OutboundLine: Equatable {
    /// Blank, or a `#` comment.
    case skip
    case exit
    /// One of the console's own lines (only when `consoleLines`): its word, lowercased, and the rest.
    case console(String, rest: String)
    /// A command on the call; for an application, the Event-UUID its completion will carry.
    case command(Command, applicationUUID: String?)

    package static let consoleWords: Set<String> = ["help", "calls", "call", "events", "vars"]

    /// `line` trimmed; `newUUID` makes the applications' Event-UUIDs.
    package static func parse(_ line: String, consoleLines: Bool, newUUID: () -> String = UUIDText.random) throws(CommandError) -> OutboundLine {
        let line = line.trimmingWhitespace
        if line.isEmpty || line.hasPrefix("#") { return .skip }
        if line.hasPrefix("/") {
            let words = line.dropFirst().split(separator: " ").map(String.init)
            let word = words.first?.lowercasedASCII ?? ""
            switch word {
            case "exit", "quit", "bye": return .exit
            case _ where consoleLines && consoleWords.contains(word): return .console(word, rest: words.dropFirst().joined(separator: " "))
            case "getvar":
                guard words.count == 2 else { throw .missing("variable name (/getvar name)") }
                return .command(.getvar(words[1]), applicationUUID: nil)
            case "linger": return .command(.linger(seconds: words.dropFirst().first.flatMap { Int($0) }), applicationUUID: nil)
            case "nolinger": return .command(.nolinger, applicationUUID: nil)
            case "resume": return .command(.resume, applicationUUID: nil)
            case "hangup": return .command(.sendmsg(uuid: nil, .hangup(cause: words.dropFirst().first)), applicationUUID: nil)
            default:
                try Command.requireSingleLine(line, field: "command")
                return .command(.raw(String(line.dropFirst())), applicationUUID: nil)
            }
        }
        let app = String(line.prefix { $0 != " " })
        let argument = line.dropFirst(app.count).drop { $0 == " " }
        let eventUUID = newUUID()
        return .command(.sendmsg(uuid: nil, .execute(app, argument.isEmpty ? nil : String(argument), eventUUID: eventUUID, eventLock: true)),
                        applicationUUID: eventUUID)
    }
}
