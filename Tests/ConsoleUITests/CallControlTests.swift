import ConsoleUI
import ESLProtocol
import Testing

@Suite struct MultiLineEntryTests {
    func entry(_ line: String) throws -> MultiLineEntry {
        guard case .entry(let entry) = try LineGrammar.parse(line) else { throw CommandError.missing("an entry for \(line)") }
        return entry
    }

    @Test func sendeventAndSendmsgStartAnEntry() throws {
        #expect(try entry("/sendevent CUSTOM").target == .event(name: "CUSTOM"))
        #expect(try entry("/sendmsg abc-123").target == .call(uuid: "abc-123"))
        #expect(try entry("/sendmsg").target == .call(uuid: nil))
        #expect(try entry("/sendevent CUSTOM").prompt == "sendevent> ")
        #expect(throws: CommandError.self) { try LineGrammar.parse("/sendevent") }
        #expect(throws: CommandError.self) { try LineGrammar.parse("/sendevent CUSTOM extra") }
    }

    /// The sendevent capture's script: the command bytes are exactly what the real client sent.
    @Test func aScriptEntryWithContentLengthEncodesAsTheCapture() throws {
        var entry = try entry("/sendevent CUSTOM")
        var lines = ["Event-Subclass: eslsh::test", "X-Test: hello world: 100% ok", "Content-Length: 18", "",
                     "line one", "line two", "status"].makeIterator()
        let command = try entry.readScript(from: &lines)
        #expect(String(decoding: try command.encode(), as: UTF8.self)
                == "sendevent CUSTOM\nEvent-Subclass: eslsh::test\nX-Test: hello world: 100% ok\nContent-Length: 18\n\nline one\nline two\n")
        #expect(lines.next() == "status", "the line after the body is the next command")
    }

    @Test func aBodyMayEndWithoutItsLastLineFeedAndCRLFLinesCountAsLF() throws {
        var entry = try entry("/sendmsg abc")
        var lines = ["call-command: execute\r", "execute-app-name: playback\r", "Content-Length: 7\r", "\r", "one\r", "two\r", "next"].makeIterator()
        let command = try entry.readScript(from: &lines)
        #expect(command == .sendmsg(uuid: "abc", CallCommand(headers: [Header("call-command", "execute"), Header("execute-app-name", "playback")], body: "one\ntwo")))
        #expect(lines.next() == "next")
    }

    @Test func headersEndAtTheEndOfInputAndNeedNoBody() throws {
        var entry = try entry("/sendevent message_waiting")
        var lines = ["MWI-Messages-Waiting: yes", "MWI-Message-Account:sip:1000@127.0.0.1"].makeIterator()
        #expect(try entry.readScript(from: &lines)
                == .sendevent(name: "message_waiting", headers: [Header("MWI-Messages-Waiting", "yes"), Header("MWI-Message-Account", "sip:1000@127.0.0.1")]))
    }

    @Test func badEntriesAreRefused() throws {
        var entry = try entry("/sendevent CUSTOM")
        #expect(throws: EntryError.notAHeader("api hupall")) { try entry.add(headerLine: "api hupall", lengthAllowed: true) }
        #expect(throws: EntryError.invalidHeaderName("Two words")) { try entry.add(headerLine: "Two words: x", lengthAllowed: true) }
        #expect(throws: EntryError.invalidHeaderName("")) { try entry.add(headerLine: ": x", lengthAllowed: true) }
        #expect(throws: EntryError.lineBreak("X")) { try entry.add(headerLine: "X: a\rapi hupall", lengthAllowed: true) }
        #expect(throws: EntryError.lengthInConsole) { try entry.add(headerLine: "Content-Length: 3", lengthAllowed: false) }
        #expect(throws: EntryError.badLength("-1")) { try entry.add(headerLine: "Content-Length: -1", lengthAllowed: true) }
        #expect(entry.headers.isEmpty)

        var short = try self.entry("/sendevent CUSTOM")
        var lines = ["Content-Length: 100", "", "only this"].makeIterator()
        #expect(throws: EntryError.bodyCutShort(expected: 100, got: 10)) { try short.readScript(from: &lines) }

        var inside = try self.entry("/sendevent CUSTOM")
        var more = ["Content-Length: 3", "", "abcdef"].makeIterator()
        #expect(throws: EntryError.bodyEndsInsideLine(expected: 3)) { try inside.readScript(from: &more) }
    }

    @Test func myeventsInEitherOrderIsSentUUIDFirst() throws {
        #expect(try LineGrammar.parse("/myevents plain abc") == .send(.myevents(uuid: "abc", format: .plain)))
        #expect(try LineGrammar.parse("/myevents abc JSON") == .send(.myevents(uuid: "abc", format: .json)))
        #expect(try LineGrammar.parse("/myevents abc") == .send(.myevents(uuid: "abc")))
        #expect(try LineGrammar.parse("/myevents") == .send(.myevents(uuid: nil)))
        #expect(try LineGrammar.parse("/myevents xml") == .send(.myevents(uuid: nil, format: .xml)))
        #expect(throws: CommandError.self) { try LineGrammar.parse("/myevents abc yaml") }
        #expect(throws: CommandError.self) { try LineGrammar.parse("/myevents abc plain extra") }
        #expect(try Command.myevents(uuid: "abc", format: .plain).encode() == Array("myevents abc plain\n\n".utf8))
    }

    @Test func theConsoleBodyIsItsLinesEachWithALineFeed() {
        #expect(MultiLineEntry.body(lines: []) == nil)
        #expect(MultiLineEntry.body(lines: ["line one", "", "line three"]) == "line one\n\nline three\n")
    }
}

@Suite struct CallTrackerTests {
    func event(_ name: String, _ headers: [(String, String)], body: String? = nil) -> Event {
        Event(headers: Headers([Header("Event-Name", name)] + headers.map { Header($0.0, $0.1) }), body: body)
    }

    @Test func aJobIsMatchedByItsUUIDAndOthersJobsAreNotOurs() {
        var tracker = CallTracker()
        tracker.started(job: "job-1", command: "status", at: 1_000_000_000)
        #expect(tracker.outcome(of: event("BACKGROUND_JOB", [("Job-UUID", "someone-else")], body: "+OK\n"), at: 2_000_000_000) == nil)
        let outcome = tracker.outcome(of: event("BACKGROUND_JOB", [("Job-UUID", "job-1")], body: "UP 1 day\n"), at: 1_250_000_000)
        #expect(outcome == .jobDone(CallTracker.Job(uuid: "job-1", command: "status", started: 1_000_000_000), body: "UP 1 day\n", elapsed: 250_000_000))
        #expect(tracker.jobs.isEmpty)
        #expect(CallTracker.render(outcome!, style: Style(enabled: false)) == "[job job-1 status] done in 250 ms:\nUP 1 day\n")
    }

    @Test func anExecuteIsFollowedByItsApplicationUUID() throws {
        let command = try LineGrammar.parse("/execute 0123456789ab playback tone_stream://%(200,0,440)")
        guard case .send(let sendmsg) = command, let execute = CallTracker.execute(in: sendmsg) else {
            Issue.record("not an execute")
            return
        }
        #expect(execute.call == "0123456789ab")
        #expect(execute.name == "playback")
        #expect(execute.argument == "tone_stream://%(200,0,440)")
        var tracker = CallTracker()
        tracker.started(execute, at: 0)
        let other = event("CHANNEL_EXECUTE", [("Unique-ID", "0123456789ab"), ("Application-UUID", "not-ours")])
        #expect(tracker.outcome(of: other, at: 1) == nil)
        let started = tracker.outcome(of: event("CHANNEL_EXECUTE", [("Unique-ID", "0123456789ab"), ("Application-UUID", execute.uuid)]), at: 1)
        #expect(started?.isFinal == false)
        #expect(tracker.listing(at: 3_000_000_000).contains("3.0 s ago  playback tone_stream://%(200,0,440) on 01234567 (running)"))
        let done = tracker.outcome(of: event("CHANNEL_EXECUTE_COMPLETE", [("Application-UUID", execute.uuid), ("Application-Response", "FILE PLAYED")]), at: 2_500_000_000)
        #expect(done?.isFinal == true)
        #expect(CallTracker.render(done!, style: Style(enabled: false))
                == "[playback tone_stream://%(200,0,440) on 01234567] done in 2.5 s: Application-Response FILE PLAYED\n")
        #expect(tracker.listing(at: 0) == "No background jobs or applications pending.\n")
    }

    @Test func theEndOfTheCallEndsItsApplications() {
        var tracker = CallTracker()
        tracker.started(application: "a1", call: "CALL-1", name: "park", argument: "", at: 0)
        tracker.started(application: "a2", call: "call-1", name: "sleep", argument: "1000", at: 0)
        tracker.started(application: "a3", call: "call-2", name: "park", argument: "", at: 0)
        let destroyed = event("CHANNEL_DESTROY", [("Unique-ID", "call-1")])
        #expect(tracker.outcome(of: destroyed, at: 61_000_000_000).map { CallTracker.render($0, style: Style(enabled: false)) }
                == "[park on CALL-1] the call ended after 1 min 1 s, before the application completed\n")
        #expect(tracker.outcome(of: destroyed, at: 0)?.application?.uuid == "a2")
        #expect(tracker.outcome(of: destroyed, at: 0) == nil)
        #expect(tracker.applications.map(\.uuid) == ["a3"])
    }

    @Test func onlyExecutesWithAnEventUUIDAreFollowed() {
        #expect(CallTracker.execute(in: .sendmsg(uuid: "u", .execute("answer"))) == nil)
        #expect(CallTracker.execute(in: .sendmsg(uuid: "u", .hangup())) == nil)
        #expect(CallTracker.execute(in: .api("status")) == nil)
        let viaHeader = CallTracker.execute(in: .sendmsg(uuid: nil, CallCommand(headers: [
            Header("call-command", "execute"), Header("execute-app-name", "speak"), Header("Session-ID", "s-1"), Header("Event-UUID", "e-1"),
        ], body: "flite|kal|two\nlines\n")))
        #expect(viaHeader == CallTracker.Execute(uuid: "e-1", call: "s-1", name: "speak", argument: "flite|kal|two lines"))
    }

    @Test func showTablesGiveOneColumn() {
        let json = #"{"row_count":2,"rows":[{"uuid":"a-1","name":"loopback/9196-a","created_epoch":"1"},{"uuid":"b-2","name":"loopback/9196-b","created_epoch":"1"}]}"#
        #expect(ShowTable.column("uuid", in: json) == ["a-1", "b-2"])
        #expect(ShowTable.column("uuid", in: #"{"row_count":0}"#) == [])
        #expect(ShowTable.column("uuid", in: "-ERR no reply\n") == [])
        #expect(ShowTable.column("name", in: "name,description,syntax,ikey\nanswer,Answer the call,,mod_dptools\n\n1 total.\n") == ["answer"])
    }
}
