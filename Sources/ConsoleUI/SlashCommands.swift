import ESLProtocol

/// The console's slash commands: names for completion, the help table, and suggestions for typos.
public enum SlashCommands {
    /// Handled by the console itself.
    public static let local = ["help", "exit", "quit", "bye", "uuid", "logfilter", "debug", "format", "output", "wide", "jobs", "stats", "top", "trace"]

    /// Call control words the line grammar turns into commands.
    public static let callControl = ["execute", "hangup", "bg", "sendevent", "sendmsg", "myevents"]

    /// Every slash word, sorted, for completion.
    public static let all: [String] = (local + callControl + LineGrammar.serverWords).sorted()

    public static let help = """
        Command                         Description
        -----------------------------------------------------------------------------------
        /help                           This help.
        /exit, /quit, /bye, ...         Exit (also Ctrl-D on an empty line).
        /event [fmt] NAMES, /noevents   Subscribe to events (plain, json or xml; ALL; CUSTOM sub::class).
        /nixevent NAMES                 Unsubscribe from some events.
        /log LEVEL, /nolog              Receive log lines (console alert crit err warning notice info debug).
        /filter HEADER VALUE            Server-side event filter (/filter delete …).
        /uuid [uuid]                    Show only log lines of one call (no argument: all calls).
        /logfilter [text]               Show only log lines containing text (no argument: all).
        /format [fmt]                   Show events as summary, headers, plain, json, ndjson or xml.
        /output [fmt]                   Show `show` tables as table (aligned), raw, json or csv.
        /wide                           Tables: every column and whole cells, or fitted to the terminal again.
        /debug [0-7]                    Protocol trace on stderr (0 off); the password is never shown.
        /stats                          Live stats, a line a second, until Ctrl-C or Enter (as eslsh --stats).
        /top                            Full-screen table of the calls, until q (as eslsh --top).
        /trace UUID                     One call's timeline until it is gone, Ctrl-C or Enter (as eslsh --trace).
        anything else                   An API command (status, show channels, sofia status …).
        Commands that drop calls or stop the switch (hupall, shutdown, sofia profile … stop|restart, unload …)
        ask first (y/N); --yes turns the question off.

        Call control
        /execute UUID APP [ARGS]        Run a dialplan application on a call; its outcome is shown when done.
        /hangup UUID [CAUSE]            Hang up a call (NORMAL_CLEARING by default).
        /bg COMMAND, bgapi COMMAND      Run an API command in the background; its result is shown when done.
        /jobs                           Background jobs and applications still pending.
        /sendevent NAME, /sendmsg UUID  Then header lines (Name: value) up to an empty line, then body lines
                                        up to a single '.' (an empty line at once: no body). Ctrl-C abandons.
        /myevents UUID [fmt]            Lock this connection onto one call's events (it closes with the call).
        /divert_events on|off, /linger [secs], /nolinger, /resume, /getvar NAME
                                        Outbound-session commands: a switch answers them only on a socket
                                        it connected out (eslsh --listen); inbound they are refused.

        Keys: Tab completes, Ctrl-C cancels a waiting command or clears the line, Ctrl-R searches history,
        F1-F12 run: help, status, show channels, show calls, sofia status, reloadxml, /log console,
        /log debug, sofia status profile internal, fsctl pause, fsctl resume, version.

        """

    /// Slash words a mistyped one may have meant: those it starts, those that start it, and those
    /// within two edits.
    public static func closeMatches(_ word: String) -> [String] {
        let word = word.lowercasedASCII
        guard !word.isEmpty else { return [] }
        return all.filter { candidate in
            candidate.hasPrefix(word) || word.hasPrefix(candidate) || editDistance(word, candidate) <= 2
        }
    }

    /// The message for an unknown slash command.
    public static func unknown(_ word: String) -> String {
        let matches = closeMatches(word)
        let hint = matches.isEmpty ? "" : " Did you mean " + matches.map { "/" + $0 }.joined(separator: ", ") + "?"
        return "Unknown command /\(word).\(hint) Type /help for the list."
    }

    /// Levenshtein distance (short words only, so the quadratic table is fine).
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
