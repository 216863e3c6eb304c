import ESLProtocol

/// What one typed or scripted line means. The same rules hold in the console, in `-x` and in script
/// files: a bare line is an API command (sent with `console_execute: true`, as fs_cli does, so `;;`
/// chains and console aliases work); `api …`/`bgapi …` are explicit; `/word …` is an ESL command or a
/// console command; `#` starts a comment; blank lines are skipped.
public enum LineAction: Sendable, Equatable {
    case skip
    case send(Command)
    /// A console command (`/exit`, `/help`, …) with its arguments.
    case local(name: String, arguments: [String])
    /// `/sendevent <NAME>` or `/sendmsg [uuid]`: header lines (and maybe a body) follow.
    case entry(MultiLineEntry)
}

public enum LineGrammar {
    /// Call control shortcuts: `/execute <uuid> <app> [args]`, `/hangup <uuid> [cause]`, `/bg <api command>`,
    /// `/myevents [uuid] [format]`.
    static func callControl(_ word: String, _ arguments: [String], body: String) throws(CommandError) -> Command? {
        switch word {
        case "myevents":
            // The protocol document writes `myevents plain <uuid>`, which the switch refuses
            // (`-ERR invalid uuid`); both orders are taken and sent in the switch's: uuid, then format.
            var words = arguments
            if words.count == 2, let first = EventFormat(rawValue: words[0].lowercasedASCII), EventFormat(rawValue: words[1].lowercasedASCII) == nil {
                words = [words[1], first.rawValue]
            }
            guard words.count <= 2 else { throw .usage("/myevents takes a call uuid and a format (plain, json or xml)") }
            if words.count == 1, let format = EventFormat(rawValue: words[0].lowercasedASCII) {
                return .myevents(uuid: nil, format: format)  // an outbound session's own call
            }
            let format = try words.dropFirst().first.map { word throws(CommandError) -> EventFormat in
                guard let format = EventFormat(rawValue: word.lowercasedASCII) else { throw .usage("/myevents: the format is plain, json or xml, not \(word)") }
                return format
            }
            return .myevents(uuid: words.first, format: format)
        case "execute":
            guard arguments.count >= 2 else { throw .missing("call uuid and application (/execute <uuid> <app> [args])") }
            // The argument is the rest of the line as typed (spaces inside it kept).
            let rest = after(words: 3, in: body)
            return .sendmsg(uuid: arguments[0], .execute(arguments[1], rest.isEmpty ? nil : rest, eventUUID: UUIDText.random()))
        case "hangup":
            guard let uuid = arguments.first else { throw .missing("call uuid (/hangup <uuid> [cause])") }
            return .sendmsg(uuid: uuid, .hangup(cause: arguments.dropFirst().first))
        case "bg":
            let command = after(words: 1, in: body)
            guard !command.isEmpty else { throw .missing("API command (/bg <command>)") }
            return .bgapi(command)
        default:
            return nil
        }
    }

    /// `/sendevent <NAME>` and `/sendmsg [uuid]` start a multi-line entry.
    static func multiLine(_ word: String, _ arguments: [String]) throws(CommandError) -> MultiLineEntry? {
        switch word {
        case "sendevent":
            guard let name = arguments.first else { throw .missing("event name (/sendevent <NAME>, then header lines)") }
            guard arguments.count == 1 else { throw .usage("/sendevent takes one event name; headers go on the next lines") }
            return MultiLineEntry(.event(name: name))
        case "sendmsg":
            guard arguments.count <= 1 else { throw .usage("/sendmsg takes one call uuid; headers go on the next lines") }
            return MultiLineEntry(.call(uuid: arguments.first))
        default:
            return nil
        }
    }

    /// What follows the first `count` space-separated words, as typed.
    static func after(words count: Int, in text: String) -> String {
        var rest = Substring(text)
        for _ in 0..<count {
            rest = rest.drop(while: { $0 == " " })
            rest = rest.drop(while: { $0 != " " })
        }
        return String(rest.drop(while: { $0 == " " }))
    }

    /// The typed command for a slash word of the protocol (`serverWords`), so that what it sets (the
    /// subscriptions, their format, the filters, the log level) is known from values, never from text.
    /// A line the switch would refuse for its shape (`/event json` without names, `/filter Unique-ID`
    /// without a value) is refused here with what it lacks; nothing is sent.
    static func serverCommand(_ word: String, _ arguments: [String], body: String) throws(CommandError) -> Command {
        func none(_ command: Command) throws(CommandError) -> Command {
            guard arguments.isEmpty else { throw .usage("/\(word) takes no arguments") }
            return command
        }
        switch word {
        case "event":
            let format = arguments.first.flatMap { EventFormat(rawValue: $0.lowercasedASCII) }
            let names = Array(arguments.dropFirst(format == nil ? 0 : 1))
            guard !names.isEmpty else { throw .missing("event names (/event [plain|json|xml] NAME…)") }
            return .event(format, names)
        case "nixevent":
            guard !arguments.isEmpty else { throw .missing("event names (/nixevent NAME…)") }
            return .nixevent(arguments)
        case "noevents": return try none(.noevents)
        case "log":
            guard arguments.count <= 1 else { throw .usage("/log takes one level (a name such as debug, or 0-63)") }
            return .log(arguments.first)
        case "nolog": return try none(.nolog)
        case "filter":
            if arguments.first?.lowercasedASCII == "delete" {
                guard arguments.count >= 2 else { throw .missing("filter header (/filter delete HEADER [VALUE], /filter delete all)") }
                if arguments.count == 2 { return .filterDelete(arguments[1].lowercasedASCII == "all" ? .all : .header(arguments[1])) }
                return .filterDelete(.value(header: arguments[1], value: after(words: 3, in: body)))
            }
            guard arguments.count >= 2 else { throw .missing("filter header and value (/filter HEADER VALUE)") }
            // The value is the rest of the line as typed (a caller name may hold spaces).
            return .filter(header: arguments[0], value: after(words: 2, in: body))
        case "divert_events":
            switch arguments.map(\.lowercasedASCII) {
            case ["on"]: return .divertEvents(true)
            case ["off"]: return .divertEvents(false)
            default: throw .usage("/divert_events takes on or off")
            }
        case "linger":
            guard arguments.count <= 1 else { throw .usage("/linger takes a number of seconds") }
            guard let text = arguments.first else { return .linger(seconds: nil) }
            guard let seconds = Int(text), seconds >= 0 else { throw .usage("/linger takes a number of seconds, not \(text)") }
            return .linger(seconds: seconds)
        case "nolinger": return try none(.nolinger)
        case "resume": return try none(.resume)
        case "connect": return try none(.connect)
        case "getvar":
            guard arguments.count == 1 else { throw .usage("/getvar takes one variable name") }
            return .getvar(arguments[0])
        default:
            return .raw(body)
        }
    }

    /// Slash words of the protocol, sent as typed commands (fs_cli's list plus the rest of the protocol).
    public static let serverWords: Set<String> = [
        "event", "noevents", "nixevent", "log", "nolog", "filter", "divert_events", "linger", "nolinger",
        "resume", "getvar", "connect",
    ]

    public static let exitWords: Set<String> = ["exit", "quit", "bye", "..."]

    public static func parse(_ line: String) throws(CommandError) -> LineAction {
        // Trimmed by scalars: Swift counts "\r\n" as one character, which no single-scalar test matches.
        var scalars = Substring(line).unicodeScalars.drop { $0 == " " || $0 == "\t" }
        while let last = scalars.last, last == " " || last == "\t" || last == "\r" || last == "\n" { scalars.removeLast() }
        let text = String(scalars)
        if text.isEmpty || text.hasPrefix("#") { return .skip }
        if text == "..." { return .local(name: "exit", arguments: []) }
        if text.hasPrefix("/") {
            let body = String(text.dropFirst())
            let words = body.split(separator: " ").map(String.init)
            guard let first = words.first?.lowercasedASCII else { return .skip }
            if exitWords.contains(first) { return .local(name: "exit", arguments: []) }
            if serverWords.contains(first) {
                try Command.requireSingleLine(body, field: "command")
                return .send(try serverCommand(first, Array(words.dropFirst()), body: body))
            }
            if let entry = try multiLine(first, Array(words.dropFirst())) { return .entry(entry) }
            if let command = try callControl(first, Array(words.dropFirst()), body: body) { return .send(command) }
            return .local(name: first, arguments: Array(words.dropFirst()))
        }
        let lower = text.lowercasedASCII
        if lower.hasPrefix("api ") {
            return .send(.api(String(text.dropFirst(4)).drop { $0 == " " }.description))
        }
        if lower.hasPrefix("bgapi ") {
            return .send(.bgapi(String(text.dropFirst(6)).drop { $0 == " " }.description))
        }
        return .send(.api(text, consoleExecute: true))
    }
}
