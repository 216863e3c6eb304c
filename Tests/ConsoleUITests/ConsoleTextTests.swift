import ConsoleUI
import ESLProtocol
import Testing

@Suite struct ConsoleTextTests {
    let values = PromptFormat(switchName: "fs1", localHostname: "laptop", switchHostname: "fs1.example.org",
                              profile: "prod", host: "10.0.0.5", port: 8021)

    @Test func promptEscapes() {
        #expect(values.expand() == "freeswitch@fs1> ")
        #expect(values.expand("%h->%H %p %o:%P 100%%") == "laptop->fs1.example.org prod 10.0.0.5:8021 100%> ")
        #expect(values.expand("a%xb%") == "ab> ")
    }

    @Test func historyNeverStoresSecrets() {
        #expect(HistoryPolicy.shouldStore("show channels"))
        #expect(HistoryPolicy.shouldStore("/event plain ALL"))
        #expect(HistoryPolicy.shouldStore("sofia status profile internal"))
        #expect(!HistoryPolicy.shouldStore("auth ClueCon"))
        #expect(!HistoryPolicy.shouldStore("/auth ClueCon"))
        #expect(!HistoryPolicy.shouldStore("api userauth 1000@default:1234"))
        #expect(!HistoryPolicy.shouldStore("originate {sip_auth_password=x}user/1000 &park"))
        #expect(!HistoryPolicy.shouldStore("   "))
        // "authorize" and "oauth" are not the auth command.
        #expect(HistoryPolicy.shouldStore("sofia profile internal authorize"))
    }

    @Test func historyPath() {
        #expect(HistoryPolicy.path(stateHome: "/s", home: "/h") == "/s/eslsh/history")
        #expect(HistoryPolicy.path(stateHome: nil, home: "/h") == "/h/.local/state/eslsh/history")
        #expect(HistoryPolicy.path(stateHome: "relative", home: "/h") == "/h/.local/state/eslsh/history")
        #expect(HistoryPolicy.path(stateHome: nil, home: nil) == nil)
    }

    @Test func unknownSlashCommandSuggestsCloseOnes() {
        #expect(SlashCommands.closeMatches("evnt").first == "event")
        #expect(SlashCommands.closeMatches("logfiltr").contains("logfilter"))
        #expect(SlashCommands.unknown("zzzzzz") == "Unknown command /zzzzzz. Type /help for the list.")
        #expect(SlashCommands.unknown("nolg").hasPrefix("Unknown command /nolog") == false)
        #expect(SlashCommands.unknown("nolg").contains("/nolog"))
    }

    @Test func rowsAboveTheCursorCountDisplayWidth() {
        LineEditor.prepareLocale()  // wcwidth needs a UTF-8 locale, as the console sets one
        #expect(DisplayWidth.of("abc") == 3)
        #expect(DisplayWidth.of("日本") == 4)
        #expect(DisplayWidth.visible("\u{1}\u{1B}[1m\u{1}fs> \u{1}\u{1B}[0m\u{1}") == "fs> ")
        #expect(DisplayWidth.rowsAboveCursor(promptWidth: 15, textWidthBeforeCursor: 10, columns: 80) == 0)
        #expect(DisplayWidth.rowsAboveCursor(promptWidth: 15, textWidthBeforeCursor: 65, columns: 80) == 1)
        #expect(DisplayWidth.rowsAboveCursor(promptWidth: 15, textWidthBeforeCursor: 200, columns: 40) == 5)
    }

    @Test func logLinesColouredAndFiltered() {
        var view = LiveView(style: Style(enabled: true))
        let error = LogLine(level: 3, userData: "abc", text: "oops")
        #expect(view.render(.log(error)) == "\u{1B}[31moops\u{1B}[0m\n")
        #expect(view.render(.log(LogLine(level: 0, text: "plain\n"))) == "plain\n")
        #expect(view.render(.log(LogLine(level: 6, text: "\n"))) == nil)
        view.uuidFilter = "ABC"
        #expect(view.render(.log(error)) == "\u{1B}[31moops\u{1B}[0m\n")
        #expect(view.render(.log(LogLine(level: 3, userData: "other", text: "x"))) == nil)
        // A line about no call passes a call filter: it may be what explains the call's trouble.
        #expect(view.render(.log(LogLine(level: 3, text: "no call"))) == "\u{1B}[31mno call\u{1B}[0m\n")
        view.logFilter = "needle"
        #expect(view.render(.log(LogLine(level: 3, text: "hay"))) == nil)
        #expect(view.render(.log(LogLine(level: 3, text: "a needle"))) == "\u{1B}[31ma needle\u{1B}[0m\n")
    }

    @Test func errorsInRedAndDropsCounted() {
        let view = LiveView(style: Style(enabled: true))
        #expect(view.render(Response.api(APIResponse(text: "-ERR no such command\n"))) == "\u{1B}[31m-ERR no such command\u{1B}[0m\n")
        #expect(view.render(Response.api(APIResponse(text: "vm\n"))) == "vm\n")
        #expect(view.render(Response.reply(Reply(text: "+OK"))) == "+OK\n")
        #expect(view.render(.dropped(12))?.contains("12 events or log lines dropped") == true)
    }

    @Test func eventsInTheChosenFormat() {
        var view = LiveView(style: .plain)
        let event = Event(headers: Headers([Header("Event-Name", "HEARTBEAT"), Header("Core-UUID", "c")]))
        #expect(view.render(.event(event, format: .plain))?.hasPrefix("HEARTBEAT") == true)
        view.events.format = .headers
        #expect(view.render(.event(event, format: .plain)) == "Event-Name: HEARTBEAT\nCore-UUID: c\n\n")
    }
}

/// A streamed answer shown piece by piece keeps a UTF-8 sequence split between pieces whole.
@Suite struct UTF8PiecesTests {
    @Test func aSplitSequenceWaitsForItsEnd() {
        var pieces = UTF8Pieces()
        let bytes = Array("é€😀".utf8)
        var text = ""
        for byte in bytes { text += pieces.take([byte]) }
        #expect(text == "é€😀")
        #expect(pieces.take([0xE2, 0x82]) == "")
        #expect(pieces.take([], ending: true) == "\u{FFFD}")
        #expect(pieces.take([]) == "")
    }
}
