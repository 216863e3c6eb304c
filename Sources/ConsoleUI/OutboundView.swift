import ESLProtocol

/// How the outbound console shows calls and what happens to them. Lines about a call that are not the
/// direct answer to a typed line start with its number, `[1] `, since several calls may be talking at
/// once. Pure: the same input gives the same text.
public struct OutboundView: Sendable {
    public var style: Style
    public var events: EventFormatter

    public init(style: Style) {
        self.style = style
        events = EventFormatter(format: .summary, style: style)
    }

    public func tag(_ number: Int) -> String { StreamTag.call(number).prefix(style: style) }

    /// `[2] call <uuid> from Alice <1000> to 9196 on sofia/… (answered)`, and how to reach it.
    public func arrival(_ call: OutboundCall, isCurrent: Bool) -> String {
        let hint = isCurrent ? "; type an application (answer, playback …) or /help" : "; /call \(call.number) to switch to it"
        return tag(call.number) + call.announcement + style.paint(hint, .dim) + "\n"
    }

    public func render(_ news: CallNews, call number: Int) -> String {
        switch news {
        case .event(let event):
            return StreamRenderer(events: events, tag: .call(number)).render(.event(event, received: nil))
        case .completed(let line, let response):
            return tag(number) + line + " " + style.paint("done", .green) + (response.map { " → \(TerminalText.visible($0))" } ?? "") + "\n"
        case .hungUp(let cause, let abandoned):
            let rest = abandoned.isEmpty ? "" : TerminalText.visible(" (" + abandoned.joined(separator: ", ") + " did not complete)")
            return tag(number) + style.paint("hung up: \(TerminalText.visible(cause))", .yellow) + rest + "\n"
        }
    }

    /// FreeSWITCH said the call ended but keeps the socket open for its last events (`linger`).
    public func lingering(_ number: Int, seconds: Int?) -> String {
        tag(number) + "the call ended; the socket lingers" + (seconds.map { " \($0) s" } ?? "") + " for its last events\n"
    }

    /// The call's socket closed: the call leaves the table.
    public func removed(_ number: Int, reason: String) -> String {
        tag(number) + style.paint("call \(number) removed: \(TerminalText.visible(reason))", .dim) + "\n"
    }

    /// `/vars [text]`: the channel variables from `connect`, those whose name contains `text` if given.
    public func variables(_ call: OutboundCall, matching text: String?) -> String {
        let chosen = call.variables.filter { text == nil || $0.name.lowercasedASCII.contains(text!.lowercasedASCII) }
        guard !chosen.isEmpty else { return text == nil ? "No channel variables.\n" : "No channel variable matches \(text!).\n" }
        return chosen.map { style.paint(TerminalText.visible($0.name), .cyan) + " = " + TerminalText.visible($0.value) }.joined(separator: "\n") + "\n"
    }

    /// The answer to a command sent on the current call; `-ERR` in red. An empty `getvar` answer
    /// (the variable is not set) says so instead of printing nothing.
    public func reply(_ response: Response) -> String {
        let text = TerminalText.safe.rawLines(Renderer().render(response))
        if text.isEmpty { return style.paint("(empty)", .dim) + "\n" }
        return response.isError ? style.paint(String(text.dropLast()), .red) + "\n" : text
    }

    public static let help = """
        Outbound console: FreeSWITCH's socket application connects here, one connection per call.
        Command                         Description
        -----------------------------------------------------------------------------------
        APP [ARGS]                      Run a dialplan application on the current call (sendmsg execute):
                                        answer, playback /tmp/x.wav, bridge user/1000, hangup NORMAL_CLEARING.
                                        Its CHANNEL_EXECUTE_COMPLETE is shown as its outcome ([1] … done).
        /getvar NAME                    A channel variable, asked now.
        /vars [TEXT]                    The channel variables from connect (names containing TEXT).
        /events                         Show or hide the current call's events.
        /hangup [CAUSE]                 Hang up (sendmsg hangup).
        /linger [SECS], /nolinger       Keep the socket open after the hangup for the last events, or not.
        /resume                         Let the dialplan go on when the socket closes.
        /calls, /call N                 List the calls; bind the shell to call N.
        /WORD ARGS                      Any other event socket command, sent as it is (/divert_events on).
        /help, /exit                    This help; leave (Ctrl-D too), releasing the calls.

        """

    /// Slash commands handled by the outbound console or sent for the current call.
    public static let slashWords = ["call", "calls", "events", "exit", "getvar", "hangup", "help", "linger", "nolinger", "resume", "vars"]

    /// Dialplan applications offered by Tab (mod_dptools' everyday ones; others can still be typed).
    public static let applications = [
        "answer", "bind_digit_action", "break", "bridge", "conference", "deflect", "echo", "eval", "export", "hangup",
        "info", "log", "park", "play_and_get_digits", "playback", "pre_answer", "read", "record", "record_session",
        "redirect", "respond", "ring_ready", "say", "sched_hangup", "send_dtmf", "set", "sleep", "speak", "start_dtmf",
        "stop_dtmf", "stop_record_session", "transfer", "unset", "voicemail",
    ]

    /// Tab: slash commands, application names, hangup causes after `hangup ` or `/hangup `, call numbers
    /// after `/call `.
    public static func complete(_ before: String, callNumbers: [Int]) -> Completion? {
        let words = before.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        let stem = before.hasSuffix(" ") || words.isEmpty ? "" : words.last!
        let position = before.hasSuffix(" ") || words.isEmpty ? words.count : words.count - 1
        if position == 0 {
            if stem.hasPrefix("/") {
                return Completion.from(stem: String(stem.dropFirst()), words: slashWords)
            }
            return Completion.from(stem: stem, words: applications)
        }
        guard position == 1 else { return nil }
        switch words[0].lowercasedASCII {
        case "hangup", "/hangup": return Completion.from(stem: stem, words: Names.hangupCauses.map(\.name))
        case "/call": return Completion.from(stem: stem, words: callNumbers.map(String.init))
        default: return nil
        }
    }
}
