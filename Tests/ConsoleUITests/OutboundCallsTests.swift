import ConsoleUI
import ESLProtocol
import Testing

/// The outbound console's call table, prompt and texts (no sockets, no terminal).
@Suite struct OutboundCallsTests {
    /// Channel data as the `connect` reply of outbound-session.recv has it (the headers that matter here).
    /// When the calls arrive, where the time does not matter.
    static let arrival = Deadline(nanoseconds: 0)

    static func channel(uuid: String, number: String? = "default", name: String? = "Outbound Call", destination: String = "9196") -> Event {
        var headers = [Header("Channel-Name", "loopback/\(destination)-a"), Header("Unique-ID", uuid), Header("Answer-State", "answered"),
                       Header("Caller-Destination-Number", destination), Header("variable_direction", "outbound"),
                       Header("variable_uuid", uuid), Header("variable_session_id", "23")]
        if let name { headers.append(Header("Caller-Caller-ID-Name", name)) }
        if let number { headers.append(Header("Caller-Caller-ID-Number", number)) }
        return Event(name: "CHANNEL_DATA", headers: headers)
    }

    static func event(_ name: String, _ extra: [Header]) -> Event { Event(name: name, headers: extra) }

    @Test func theFirstCallBecomesCurrentAndNamesThePrompt() {
        var table = CallTable()
        #expect(table.prompt == "no call> ")
        let first = table.add(channel: Self.channel(uuid: "u1"), arrived: Self.arrival)
        #expect(first.number == 1)
        #expect(table.prompt == "call 1 (default→9196)> ")
        table.add(channel: Self.channel(uuid: "u2", number: "1000", destination: "5000"), arrived: Self.arrival)
        #expect(table.current == 1, "a new call does not take the shell from the current one")
        let selected = table.select(2), missing = table.select(7)
        #expect(selected && !missing)
        #expect(table.prompt == "call 2 (1000→5000)> ")
        #expect(table.current == 2)
    }

    @Test func removingTheCurrentCallMovesToTheOldestLeftAndNumbersAreNotReused() {
        var table = CallTable()
        for uuid in ["u1", "u2", "u3"] { table.add(channel: Self.channel(uuid: uuid), arrived: Self.arrival) }
        let selected = table.select(3)
        #expect(selected)
        table.remove(3)
        #expect(table.current == 1)
        table.remove(1)
        #expect(table.current == 2)
        #expect(table.add(channel: Self.channel(uuid: "u4"), arrived: Self.arrival).number == 4)
        table.remove(2)
        table.remove(4)
        #expect(table.current == nil)
        #expect(table.prompt == "no call> ")
    }

    @Test func callerFallsBackToWhatTheChannelHas() {
        #expect(OutboundCall(number: 1, channel: Self.channel(uuid: "u", number: nil), arrived: Self.arrival).label == "call 1 (Outbound Call→9196)")
        #expect(OutboundCall(number: 1, channel: Self.channel(uuid: "u", number: nil, name: nil), arrived: Self.arrival).caller == "?")
        #expect(OutboundCall(number: 1, channel: Self.channel(uuid: "u"), arrived: Self.arrival).announcement
                == "call u from Outbound Call <default> to 9196 on loopback/9196-a (answered)")
    }

    @Test func listingMarksTheCurrentCallAndShowsAge() {
        var table = CallTable()
        let start = Deadline(nanoseconds: 5_000_000_000)
        table.add(channel: Self.channel(uuid: "cbb44022-4489-4d0f-8356-bd2a778606b9"), arrived: start)
        table.add(channel: Self.channel(uuid: "0a1b", number: "1000", name: "Alice", destination: "5000"), arrived: start)
        let later = Deadline(nanoseconds: start.nanoseconds + 75_000_000_000)
        #expect(table.listing(now: later) == """
               N  UUID                                  CALLER                   DESTINATION  STATE     AGE
            *  1  cbb44022-4489-4d0f-8356-bd2a778606b9  Outbound Call <default>  9196         answered  1m15s
               2  0a1b                                  Alice <1000>             5000         answered  1m15s

            """)
        #expect(CallTable().listing(now: start) == "No calls.\n")
        #expect(CallTable.age(seconds: 0) == "0s")
        #expect(CallTable.age(seconds: 59) == "59s")
        #expect(CallTable.age(seconds: 3599) == "59m59s")
        #expect(CallTable.age(seconds: 3720) == "1h02m")
    }

    @Test func onlyOurApplicationsCompleteAndTheHangupNamesWhatWasLeft() {
        var table = CallTable()
        table.add(channel: Self.channel(uuid: "u1"), arrived: Self.arrival)
        table.started("answer", applicationUUID: "a1", on: 1)
        table.started("bridge user/1000", applicationUUID: "a2", on: 1)
        // The dialplan's own park completing is not one of ours.
        let park = table.observe(Self.event("CHANNEL_EXECUTE_COMPLETE", [Header("Application-UUID", "other")]), on: 1)
        #expect(park.isEmpty)
        let answered = table.observe(Self.event("CHANNEL_EXECUTE_COMPLETE", [Header("Application-UUID", "a1"), Header("Application-Response", "_none_")]), on: 1)
        #expect(answered == [.completed(line: "answer", response: nil)])
        // A second completion of the same application is not reported twice.
        let again = table.observe(Self.event("CHANNEL_EXECUTE_COMPLETE", [Header("Application-UUID", "a1")]), on: 1)
        #expect(again.isEmpty)
        // An application may still complete after CHANNEL_HANGUP; what is left shows at HANGUP_COMPLETE.
        let hangup = table.observe(Self.event("CHANNEL_HANGUP", [Header("Hangup-Cause", "USER_BUSY"), Header("Answer-State", "hangup")]), on: 1)
        #expect(hangup.isEmpty)
        #expect(table[1]?.state == "hangup")
        let complete = table.observe(Self.event("CHANNEL_HANGUP_COMPLETE", [Header("Hangup-Cause", "USER_BUSY")]), on: 1)
        #expect(complete == [.hungUp(cause: "USER_BUSY", abandoned: ["bridge user/1000"])])
        let twice = table.observe(Self.event("CHANNEL_HANGUP_COMPLETE", [Header("Hangup-Cause", "USER_BUSY")]), on: 1)
        #expect(twice.isEmpty)
    }

    @Test func eventsAreShownOnlyWhenToggledOnAndStateFollowsThem() {
        var table = CallTable()
        table.add(channel: Self.channel(uuid: "u1"), arrived: Self.arrival)
        let event = Self.event("CHANNEL_EXECUTE", [Header("Answer-State", "early")])
        let hidden = table.observe(event, on: 1)
        #expect(hidden.isEmpty)
        #expect(table[1]?.state == "early")
        let on = table.toggleEvents(1)
        let shown = table.observe(event, on: 1)
        let off = table.toggleEvents(1)
        #expect(on && !off)
        #expect(shown == [.event(event)])
    }

    @Test func forgottenApplicationsAreNotMatched() {
        var table = CallTable()
        table.add(channel: Self.channel(uuid: "u1"), arrived: Self.arrival)
        table.started("playback /x.wav", applicationUUID: "a1", on: 1)
        table.forget("a1", on: 1)
        let news = table.observe(Self.event("CHANNEL_EXECUTE_COMPLETE", [Header("Application-UUID", "a1")]), on: 1)
        #expect(news.isEmpty)
    }

    @Test func texts() {
        let view = OutboundView(style: .plain)
        var table = CallTable()
        let call = table.add(channel: Self.channel(uuid: "u1"), arrived: Self.arrival)
        #expect(view.arrival(call, isCurrent: false) == "[1] call u1 from Outbound Call <default> to 9196 on loopback/9196-a (answered); /call 1 to switch to it\n")
        #expect(view.render(.completed(line: "playback /tmp/x.wav", response: "FILE PLAYED"), call: 1) == "[1] playback /tmp/x.wav done → FILE PLAYED\n")
        #expect(view.render(.hungUp(cause: "NORMAL_CLEARING", abandoned: []), call: 2) == "[2] hung up: NORMAL_CLEARING\n")
        #expect(view.variables(call, matching: nil) == "direction = outbound\nuuid = u1\nsession_id = 23\n")
        #expect(view.variables(call, matching: "SESS") == "session_id = 23\n")
        #expect(view.variables(call, matching: "zzz") == "No channel variable matches zzz.\n")
        #expect(view.reply(.reply(Reply(text: ""))) == "(empty)\n")
        #expect(view.reply(.reply(Reply(text: "-ERR no such channel"))) == "-ERR no such channel\n")
    }

    @Test func completion() {
        #expect(OutboundView.complete("pla", callNumbers: []) == Completion(replace: 3, insert: "play", candidates: ["play_and_get_digits", "playback"]))
        #expect(OutboundView.complete("/ge", callNumbers: []) == Completion(replace: 2, insert: "getvar ", candidates: []))
        #expect(OutboundView.complete("hangup USER_B", callNumbers: []) == Completion(replace: 6, insert: "USER_BUSY ", candidates: []))
        #expect(OutboundView.complete("/call ", callNumbers: [1, 3]) == Completion(replace: 0, insert: "", candidates: ["1", "3"]))
        #expect(OutboundView.complete("playback /tmp/", callNumbers: []) == nil)
    }
}
