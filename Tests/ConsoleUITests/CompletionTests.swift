import ConsoleUI
import ESLProtocol
import Testing

@Suite struct CompletionTests {
    func local(_ line: String) -> Completion? {
        if case .local(let completion) = Completer.complete(line) { return completion }
        return nil
    }

    @Test func eventNameAfterEventAndFormat() {
        #expect(local("/event plain CHANNEL_AN") == Completion(replace: 10, insert: "CHANNEL_ANSWER ", candidates: []))
        #expect(local("/event CHANNEL_AN")?.insert == "CHANNEL_ANSWER ")
        #expect(local("/event json HEARTBEAT CHANNEL_CRE")?.insert == "CHANNEL_CREATE ")
        #expect(local("/nixevent channel_an")?.insert == "CHANNEL_ANSWER ")
        #expect(local("/event plain SWITCH_EVENT_CHANNEL_AN")?.insert == "SWITCH_EVENT_CHANNEL_ANSWER ")
    }

    @Test func severalCandidatesInsertTheirCommonPrefixAndList() {
        let completion = local("/event plain CHANNEL_HANG")
        #expect(completion?.insert == "CHANNEL_HANGUP")
        #expect(completion?.replace == 12)
        #expect(completion?.candidates == ["CHANNEL_HANGUP", "CHANNEL_HANGUP_COMPLETE"])
        let nothingToAdd = local("/event plain CHANNEL_HANGUP")
        #expect(nothingToAdd?.insert == "")
        #expect(nothingToAdd?.candidates.count == 2)
    }

    @Test func formatsThenAllNinetyFourEventsAfterEvent() {
        let completion = local("/event ")
        #expect(completion?.candidates.prefix(3) == ["plain", "json", "xml"])
        #expect(completion?.candidates.count == 3 + 94 * 2)
    }

    @Test func liveChannelsApplicationsAndCausesForCallControl() {
        #expect(Completer.complete("/execute ") == .channel(stem: ""))
        #expect(Completer.complete("/execute 1a2") == .channel(stem: "1a2"))
        #expect(Completer.complete("/execute 1a2b playb") == .application(stem: "playb"))
        #expect(local("/execute 1a2b playback /tmp/") == Completion(replace: 0, insert: "", candidates: []))
        #expect(Completer.complete("/hangup ") == .channel(stem: ""))
        #expect(local("/hangup 1a2b USER_B")?.insert == "USER_BUSY ")
        #expect(Completer.complete("/sendmsg 9") == .channel(stem: "9"))
        #expect(Completer.complete("/myevents ") == .channel(stem: ""))
        #expect(local("/myevents 1a2b j")?.insert == "json ")
        #expect(Completer.complete("uuid_kill ") == .channel(stem: ""))
        #expect(Completer.complete("api uuid_dump 4f") == .channel(stem: "4f"))
        #expect(Completer.complete("bgapi uuid_transfer ") == .channel(stem: ""))
        #expect(local("uuid_kill 1a2b CALL_R")?.insert == "CALL_REJECTED ")
        #expect(local("api hupall MANAGER_")?.insert == "MANAGER_REQUEST ")
        #expect(Completer.complete("/bg uuid_kill ") == .channel(stem: ""))
        #expect(Completer.complete("/bg stat") == .server(line: "stat"))
        #expect(local("/exe")?.insert == "/execute ")
        #expect(local("/job")?.insert == "/jobs ")
    }

    @Test func slashCommands() {
        #expect(local("/nolo")?.insert == "/nolog ")
        #expect(local("/he")?.insert == "/help ")
        #expect(local("/no")?.candidates == ["/noevents", "/nolinger", "/nolog"])
        #expect(local("/")?.candidates.contains("/logfilter") == true)
    }

    @Test func levelsFormatsCausesFilterHeaders() {
        #expect(local("/log in")?.insert == "info ")
        #expect(local("/format nd")?.insert == "ndjson ")
        #expect(local("/output c")?.insert == "csv ")
        #expect(local("/output ")?.candidates == ["raw", "table", "json", "csv"])
        #expect(local("/wi")?.insert == "/wide ")
        #expect(local("/debug ")?.candidates == ["0", "1", "2", "3", "4", "5", "6", "7"])
        #expect(local("hupall NORMAL_CL")?.insert == "NORMAL_CLEARING ")
        #expect(local("uuid_kill 1234 USER_B")?.insert == "USER_BUSY ")
        #expect(local("/filter Event-Name CHANNEL_ANS")?.insert == "CHANNEL_ANSWER ")
        #expect(local("/filter Unique")?.insert == "Unique-ID ")
        #expect(local("/filter delete al")?.insert == "all ")
        #expect(local("sendmsg hangup-cause: NO_ANS")?.insert == "NO_ANSWER ")
    }

    @Test func apiCommandsGoToTheSwitch() {
        #expect(Completer.complete("sta") == .server(line: "sta"))
        #expect(Completer.complete("  show chan") == .server(line: "show chan"))
        #expect(Completer.complete("api show ch") == .server(line: "show ch"))
        #expect(Completer.complete("bgapi orig") == .server(line: "orig"))
        #expect(Completer.complete("uuid_kill 1a2b ") == .local(.from(stem: "", words: Names.hangupCauses.map(\.name))))
        #expect(Completer.complete("uuid_setvar 1a2b var") == .server(line: "uuid_setvar 1a2b var"))
        // The uuid itself comes from the console's own channel list (see liveChannels…).
        #expect(Completer.complete("uuid_kill ") == .channel(stem: ""))
    }

    /// Every word after CUSTOM is a subclass; the console completes those from its list and the stream.
    @Test func subclassesAfterCustom() {
        #expect(Completer.complete("/event plain CUSTOM sof") == .subclass(stem: "sof"))
        #expect(Completer.complete("/event CUSTOM sofia::register sofia::un") == .subclass(stem: "sofia::un"))
        #expect(Completer.complete("/nixevent custom ") == .subclass(stem: ""))
        #expect(Completer.complete("/event plain CHANNEL_CREATE CUS") == .local(.from(stem: "CUS", words: Names.events + Names.events.map { "SWITCH_EVENT_" + $0 })))
        let sofia = Completion.from(stem: "sofia::un", words: CustomSubclasses.known)
        #expect(sofia == Completion(replace: 9, insert: "sofia::unregister ", candidates: []))
        for name in ["sofia::register", "sofia::expire", "conference::maintenance", "callcenter::info", "valet_parking::info", "spandsp::rxfaxresult"] {
            #expect(CustomSubclasses.known.contains(name), "\(name)")
        }
    }

    @Test func serverAnswerWithOneMatch() {
        let answer = ServerCompletion(body: "\n\n[          switchname]\t\n\n\nwrite=7:switchname ")
        #expect(answer.candidates == ["switchname"])
        #expect(answer.completion(line: "switchn") == Completion(replace: 7, insert: "switchname ", candidates: []))
    }

    @Test func serverAnswerWithSeveralMatches() {
        let body = "\n\n[                show]\t[             shutdown]\t[           sofia]\t[        sofia_contact]\t\n"
            + "[              status]\t\n\nwrite=1:s"
        let answer = ServerCompletion(body: body)
        #expect(answer.candidates == ["show", "shutdown", "sofia", "sofia_contact", "status"])
        #expect(answer.completion(line: "s").replace == 1)
        #expect(answer.completion(line: "s").insert == "s")
        #expect(answer.completion(line: "s").candidates.count == 5)
        let none = ServerCompletion(body: "\n\n\n\n")
        #expect(none.candidates.isEmpty)
        #expect(none.completion(line: "") == Completion(replace: 0, insert: "", candidates: []))
    }

    /// fs_cli's request (reference 1.14): up to the cursor, leading spaces gone, trailing ones collapsed,
    /// `c=<offset>;` only when the cursor is inside the line.
    @Test func requestAsFsCliSendsIt() {
        #expect(ServerCompletion.argument(line: "show", cursorOffset: 4, cursorAtEnd: true) == "show")
        #expect(ServerCompletion.argument(line: "show ", cursorOffset: 5, cursorAtEnd: true) == "show ")
        #expect(ServerCompletion.argument(line: "  show   ", cursorOffset: 9, cursorAtEnd: true) == "show ")
        #expect(ServerCompletion.argument(line: "show ch", cursorOffset: 7, cursorAtEnd: false) == "c=7;show ch")
    }

    /// The reply's length is the server's word: it never deletes more than the word under the cursor
    /// (the simulator once answered `show ` with `write=4:show ` and the line became `sshow `).
    @Test func writeLengthIsAppliedAtTheCursorAndBounded() {
        let wrong = ServerCompletion(body: "\n\n[                show]\t\n\nwrite=4:show ")
        #expect(wrong.completion(line: "show ") == Completion(replace: 0, insert: "show ", candidates: []))
        let bytes = ServerCompletion(body: "\n\n[              héllo]\t\n\nwrite=3:héllo ")
        #expect(bytes.completion(line: "echo hé").replace == 2)
    }

    @Test func columnsGoDownThenAcross() {
        let text = Columns.layout(["a", "bb", "ccc", "dddd", "e"], width: 14)
        // cell width 6 → 2 columns, 3 rows.
        #expect(text == "a     dddd\nbb    e\nccc\n")
        #expect(Columns.layout([], width: 80) == "")
        #expect(Columns.layout(["only"], width: 2) == "only\n")
    }
}
