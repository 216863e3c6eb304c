import ESLProtocol

/// What Tab does to the line: delete `replace` characters before the cursor, insert `insert`, and show
/// `candidates` when there are several.
public struct Completion: Sendable, Equatable {
    public var replace: Int
    public var insert: String
    public var candidates: [String]

    public init(replace: Int, insert: String, candidates: [String]) {
        self.replace = replace
        self.insert = insert
        self.candidates = candidates
    }

    /// The completion as Tab may show it: candidates come from the switch (channel UUIDs, names,
    /// `console_complete`), so they are listed with control characters escaped, and a text to insert
    /// that holds any is not inserted (it would be a raw control byte in the line; its escape, a wrong
    /// value) but listed, escaped, so the user sees what was there.
    public var shown: Completion {
        let safe = VisibleText.escaped(insert, .oneLine) == insert
        let listed = safe || !candidates.isEmpty ? candidates : [insert]
        return Completion(replace: safe ? replace : 0, insert: safe ? insert : "", candidates: listed.map(TerminalText.visible))
    }

    /// Completes `stem` from `words` (case-insensitive): one match is inserted whole with a space after
    /// it; several are listed and their common prefix inserted.
    public static func from(stem: String, words: [String]) -> Completion {
        let lowerStem = stem.lowercasedASCII
        var seen = Set<String>()
        let matches = words.filter { $0.lowercasedASCII.hasPrefix(lowerStem) && seen.insert($0).inserted }
        if matches.count == 1 { return Completion(replace: stem.count, insert: matches[0] + " ", candidates: []) }
        guard var prefix = matches.first else { return Completion(replace: 0, insert: "", candidates: []) }
        for match in matches.dropFirst() {
            while !match.lowercasedASCII.hasPrefix(prefix.lowercasedASCII) { prefix.removeLast() }
        }
        // Keep what was typed when the common prefix adds nothing.
        if prefix.count <= stem.count { return Completion(replace: 0, insert: "", candidates: matches) }
        return Completion(replace: stem.count, insert: prefix, candidates: matches)
    }
}

/// Where Tab's answer comes from.
public enum CompletionSource: Sendable, Equatable {
    /// Known here (slash commands, event names, levels, causes …).
    case local(Completion)
    /// Ask the switch: `api console_complete <line>`.
    case server(line: String)
    /// A live channel's uuid (the console keeps the list of `show channels`).
    case channel(stem: String)
    /// A dialplan application's name (`show application`).
    case application(stem: String)
    /// A CUSTOM event's subclass (after `CUSTOM` in `/event` and `/nixevent`): FreeSWITCH's own and
    /// those seen in the stream.
    case subclass(stem: String)
}

/// Local completion rules; everything else goes to the switch's `console_complete`.
public enum Completer {
    public static let formats = ["plain", "json", "xml"]
    public static let eslKeywords = ["auth", "userauth", "api", "bgapi", "event", "myevents", "divert_events", "filter",
                                     "nixevent", "noevents", "log", "nolog", "linger", "nolinger", "sendevent", "sendmsg",
                                     "exit", "resume", "connect", "getvar"]
    public static let callCommands = ["execute", "hangup", "unicast", "nomedia", "xferext"]
    public static let filterHeaders = ["Event-Name", "Event-Subclass", "Unique-ID", "Channel-Name", "Channel-State",
                                       "Channel-Call-State", "Caller-Caller-ID-Number", "Caller-Caller-ID-Name",
                                       "Caller-Destination-Number", "Core-UUID", "Job-UUID", "Other-Leg-Unique-ID",
                                       "Application", "Hangup-Cause", "variable_sip_call_id"]
    static let eventWords = Names.events + Names.events.map { "SWITCH_EVENT_" + $0 }
    static let logWords = Names.logLevels.map { $0.name.lowercasedASCII }
    static let causeWords = Names.hangupCauses.map(\.name)

    /// `line` is the text before the cursor.
    public static func complete(_ line: String) -> CompletionSource {
        let trimmed = String(line.drop { $0 == " " })
        let words = trimmed.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        let endsWithSpace = trimmed.last == " "
        let stem = endsWithSpace ? "" : (words.last ?? "")
        // Words before the one being completed.
        let before = endsWithSpace ? words : Array(words.dropLast())
        let local = { (choices: [String]) in CompletionSource.local(.from(stem: stem, words: choices)) }

        if trimmed.hasPrefix("/") {
            if before.isEmpty { return local(SlashCommands.all.map { "/" + $0 }) }
            let command = String(before[0].dropFirst()).lowercasedASCII
            let index = before.count  // position of the word being completed
            switch command {
            case "event", "nixevent":
                if command == "event", index == 1 { return local(formats + eventWords) }
                // Every word after CUSTOM is a subclass name.
                if before.dropFirst().contains(where: { $0.uppercased() == "CUSTOM" }) { return .subclass(stem: stem) }
                return local(eventWords)
            case "myevents": return index == 1 ? .channel(stem: stem) : local(index == 2 ? formats : [])
            case "execute":
                if index == 1 { return .channel(stem: stem) }
                return index == 2 ? .application(stem: stem) : local([])
            case "hangup":
                if index == 1 { return .channel(stem: stem) }
                return local(index == 2 ? causeWords : [])
            case "sendmsg", "trace": return index == 1 ? .channel(stem: stem) : local([])
            // `/bg <api command>` completes as the API command alone would.
            case "bg": return complete(LineGrammar.after(words: 1, in: trimmed))
            case "log": return local(index == 1 ? logWords : [])
            case "debug": return local(index == 1 ? (0...7).map(String.init) : [])
            case "format": return local(index == 1 ? EventOutputFormat.allCases.map(\.rawValue) : [])
            case "output": return local(index == 1 ? OutputFormat.allCases.map(\.rawValue) : [])
            case "divert_events": return local(index == 1 ? ["on", "off"] : [])
            case "filter":
                if index == 1 { return local(["delete"] + filterHeaders) }
                if index == 2, before[1].lowercasedASCII == "delete" { return local(["all"] + filterHeaders) }
                let header = before[before.count - 1].lowercasedASCII
                if header == "event-name" { return local(Names.events) }
                if header == "hangup-cause" { return local(causeWords) }
                return local([])
            default: return local([])
            }
        }
        if before.contains(where: { $0.lowercasedASCII.hasPrefix("hangup-cause") }) { return local(causeWords) }
        if let last = before.last?.lowercasedASCII, last == "call-command:" || last == "call-command" { return local(callCommands) }
        // `api x` and `bgapi x` complete x.
        var rest = trimmed
        for prefix in ["api ", "bgapi "] where trimmed.lowercasedASCII.hasPrefix(prefix) {
            rest = String(trimmed.dropFirst(prefix.count).drop { $0 == " " })
        }
        let apiWords = rest.split(separator: " ").map(String.init)
        let apiBefore = rest.last == " " || rest.isEmpty ? apiWords : Array(apiWords.dropLast())
        if let first = apiBefore.first?.lowercasedASCII {
            if first == "hupall", apiBefore.count == 1 { return local(causeWords) }
            if first == "uuid_kill", apiBefore.count == 2 { return local(causeWords) }
            // uuid_kill, uuid_dump, uuid_transfer …: the first argument is a live channel.
            if first.hasPrefix("uuid_"), apiBefore.count == 1 { return .channel(stem: stem) }
        }
        // The rest is the switch's business (API names and their arguments).
        return .server(line: rest)
    }
}

/// The switch's answer to `console_complete` (reference 1.14): candidates as `[%20s]\t` cells, then
/// `write=<len>:<text>` when there is one match or a common prefix.
public struct ServerCompletion: Sendable, Equatable {
    public var candidates: [String]
    public var write: (length: Int, text: String)?

    public static func == (a: ServerCompletion, b: ServerCompletion) -> Bool {
        a.candidates == b.candidates && a.write?.length == b.write?.length && a.write?.text == b.write?.text
    }

    public init(body: String) {
        var listing = Substring(body)
        write = nil
        if let marker = body.ranges(of: "write=").last {
            listing = body[..<marker.lowerBound]
            let directive = body[marker.upperBound...]
            if let colon = directive.firstIndex(of: ":"), let length = Int(directive[..<colon]) {
                var text = String(directive[directive.index(after: colon)...])
                while text.last == "\n" { text.removeLast() }
                write = (length, text)
            }
        }
        var cells: [String] = []
        var rest = listing
        while let open = rest.firstIndex(of: "["), let close = rest[open...].firstIndex(of: "]") {
            let cell = rest[rest.index(after: open)..<close].drop { $0 == " " }
            if !cell.isEmpty { cells.append(String(cell)) }
            rest = rest[rest.index(after: close)...]
        }
        candidates = cells
    }

    /// What fs_cli sends for Tab (reference 1.14): the line up to the cursor, leading spaces dropped and
    /// trailing ones collapsed to one; when the cursor is inside the line, `c=<offset>;` first, the byte
    /// offset of the cursor in the line as typed, as fs_cli counts it.
    public static func argument(line: String, cursorOffset: Int, cursorAtEnd: Bool) -> String {
        var text = Substring(line).prefix { $0 != "\r" && $0 != "\n" }.drop { $0 == " " }
        while text.hasSuffix("  ") { text.removeLast() }
        return cursorAtEnd ? String(text) : "c=\(cursorOffset);" + text
    }

    /// As a local completion for `line` (the text sent, up to the cursor): the write directive deletes
    /// its length in bytes before the cursor, but never more than the word under the cursor (the reply
    /// is the server's; a wrong length must not eat the rest of the line); the list when it found several.
    public func completion(line: String) -> Completion {
        let stem = line.split(separator: " ", omittingEmptySubsequences: false).last ?? ""
        var replace = 0
        if let length = write?.length, length > 0 {
            var bytes = 0
            for character in stem.reversed() where bytes < length {
                bytes += character.utf8.count
                replace += 1
            }
        }
        return Completion(replace: replace, insert: write?.text ?? "", candidates: candidates.count > 1 ? candidates : [])
    }
}
