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
}

public enum LineGrammar {
    /// Slash words passed to the server as they are (fs_cli's list plus the rest of the protocol).
    public static let serverWords: Set<String> = [
        "event", "noevents", "nixevent", "log", "nolog", "filter", "myevents", "divert_events", "linger", "nolinger",
        "resume", "getvar", "connect",
    ]

    public static let exitWords: Set<String> = ["exit", "quit", "bye", "..."]

    public static func parse(_ line: String) throws(CommandError) -> LineAction {
        let trimmed = line.drop { $0 == " " || $0 == "\t" }
        var text = String(trimmed)
        while text.last == " " || text.last == "\t" || text.last == "\r" || text.last == "\n" { text.removeLast() }
        if text.isEmpty || text.hasPrefix("#") { return .skip }
        if text == "..." { return .local(name: "exit", arguments: []) }
        if text.hasPrefix("/") {
            let body = String(text.dropFirst())
            let words = body.split(separator: " ").map(String.init)
            guard let first = words.first?.lowercasedASCII else { return .skip }
            if exitWords.contains(first) { return .local(name: "exit", arguments: []) }
            if serverWords.contains(first) {
                try Command.requireSingleLine(body, field: "command")
                return .send(.raw(body))
            }
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
