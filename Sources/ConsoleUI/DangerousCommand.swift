import ESLProtocol

/// Commands that drop calls or stop the switch, which the console asks about before sending (`--yes`
/// skips the question; scripts are never asked). The list, and why:
///
/// - `shutdown` and `...` (the API's alias): stop FreeSWITCH.
/// - `fsctl shutdown [elegant|asap|now|restart|reincarnate …]` (not `fsctl shutdown cancel`, which stops a
///   pending shutdown), `fsctl hupall`, `fsctl crash`.
/// - `hupall`: hangs up every call.
/// - `sofia profile NAME stop|restart`: drops the profile's calls and registrations.
/// - `unload MODULE`, `reload MODULE`: unloading a module ends what uses it (`reload mod_sofia` drops every
///   SIP call). `reloadxml` and `reloadacl` are harmless and not asked.
///
/// Not asked: commands aimed at one call (`uuid_kill`, `/hangup`): the operator named the call. The
/// check reads the command's own words (and each part of a `;;` chain); commands hidden inside others
/// (`sched_api`, `expand`) are not looked into.
public struct DangerousCommand: Sendable, Equatable {
    /// The command as it will run (one part of a chain).
    public let command: String
    /// What it does, completing "This …": "hangs up every call".
    public let effect: String

    public init(command: String, effect: String) {
        self.command = command
        self.effect = effect
    }

    /// The console's question; the answer defaults to No.
    public var question: String { "'\(command)' \(effect). Send it? [y/N] " }

    /// True for an answer of yes (`y`, `yes`, any case); everything else, an empty line included, is no.
    public static func isYes(_ answer: String) -> Bool {
        ["y", "yes"].contains(answer.trimmingSpacesAndTabs.lowercasedASCII)
    }

    /// The first dangerous part of what `command` runs, or nil.
    public static func classify(_ command: Command) -> DangerousCommand? {
        switch command {
        case .api(let text, let consoleExecute):
            // `;;` chains run part by part only with console_execute (bare lines); `api a;;b` is one command.
            let parts = consoleExecute ? text.split(separator: ";;").map(String.init) : [text]
            return parts.lazy.compactMap { classify(apiCommand: $0) }.first
        case .bgapi(let text, _):
            return classify(apiCommand: text)
        default:
            return nil
        }
    }

    /// One API command line (`hupall NORMAL_CLEARING`, `sofia profile internal restart`).
    public static func classify(apiCommand line: String) -> DangerousCommand? {
        let trimmed = line.trimmingSpacesAndTabs
        let words = trimmed.split(whereSeparator: { $0 == " " || $0 == "\t" }).map { String($0).lowercasedASCII }
        guard let name = words.first else { return nil }
        let found = { (effect: String) in DangerousCommand(command: trimmed, effect: effect) }
        switch name {
        case "shutdown", "...":
            return found("stops FreeSWITCH and every call on it")
        case "hupall":
            return found("hangs up every call")
        case "fsctl":
            switch words.dropFirst().first {
            case "shutdown":
                if words.dropFirst(2).first == "cancel" { return nil }
                return found(words.contains("restart") ? "restarts FreeSWITCH, ending every call" : "stops FreeSWITCH and every call on it")
            case "hupall": return found("hangs up every call")
            case "crash": return found("crashes FreeSWITCH on purpose")
            default: return nil
            }
        case "sofia":
            // sofia profile NAME stop|restart [reloadxml]
            guard words.count >= 4, words[1] == "profile", ["stop", "restart"].contains(words[3]) else { return nil }
            return found(words[3] == "stop" ? "stops SIP profile \(words[2]), dropping its calls and registrations"
                                            : "restarts SIP profile \(words[2]), dropping its calls and registrations")
        case "unload", "reload":
            guard words.count >= 2 else { return nil }
            return found("\(name)s a module, ending the calls and services that use it")
        default:
            return nil
        }
    }
}

extension String {
    var trimmingSpacesAndTabs: String {
        var scalars = Substring(self).unicodeScalars
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" || last == "\r" || last == "\n" { scalars.removeLast() }
        return String(scalars)
    }
}
