import ESLProtocol
import TestSupport
import Testing

@Suite struct MessageTests {
    @Test func handshakeAndExit() throws {
        let labels = try Fixtures.messages("handshake-ok-exit").map(\.label)
        #expect(labels == ["auth/request", "reply +OK accepted", "reply +OK bye", "disconnect -"])
        guard case .disconnect(let notice) = try Fixtures.messages("handshake-ok-exit").last else { Issue.record("no notice"); return }
        #expect(notice.text == DisconnectNotice.goodbyeText)
        #expect(notice.disposition == nil)
    }

    @Test func badPassword() throws {
        let labels = try Fixtures.messages("handshake-bad-password").map(\.label)
        #expect(labels == ["auth/request", "reply -ERR invalid", "disconnect -"])
    }

    @Test func commandBeforeAuth() throws {
        let messages = try Fixtures.messages("command-before-auth")
        #expect(messages.map(\.label) == ["auth/request", "reply -ERR command not found", "reply +OK accepted", "api"])
        guard case .apiResponse(let response) = messages[3] else { Issue.record("not api"); return }
        #expect(response.text.hasPrefix("FreeSWITCH Version 1.11.3-dev"))
        #expect(!response.isError)
    }

    @Test func everyCommandReplyText() throws {
        let texts = try Fixtures.messages("command-replies").dropFirst().compactMap { message -> String? in
            if case .reply(let reply) = message { return reply.text }
            return nil
        }
        #expect(texts == [
            "+OK accepted", "+OK event listener enabled plain", "+OK event listener enabled plain",
            "+OK event listener enabled json", "-ERR no keywords supplied", "-ERR no keywords supplied",
            "+OK events nixed", "+OK no longer listening for events", "-ERR not listening for events",
            "+OK filter added. [Event-Name]=[HEARTBEAT]", "-ERR invalid syntax",
            "+OK filter deleted. [Event-Name][HEARTBEAT]", "+OK filter deleted. [all][]", "+OK log level 7 [7]",
            "+OK log level info [6]", "-ERR invalid log level", "+OK no longer logging", "-ERR not loging",
            "-ERR not controlling a session", "-ERR not controlling a session", "-ERR not controlling a session.",
            "-ERR invalid uuid", "-ERR command not found", "-ERR command not found", "-ERR command not found",
            "-ERR command not found", "-ERR command not found",
        ])
    }

    @Test func apiReplies() throws {
        let messages = try Fixtures.messages("api-replies")
        let bodies = messages.compactMap { message -> APIResponse? in
            if case .apiResponse(let response) = message { return response }
            return nil
        }
        #expect(bodies.count == 14)
        #expect(bodies[2].text == "vm")
        #expect(bodies[3].text.hasSuffix("\n182 total.\n"))
        #expect(bodies[4].text == "-ERR bogus_command Command not found!\n")
        #expect(bodies[4].isError)
        #expect(bodies[5].text == "\n0 total.\n")
        #expect(bodies[6].text == "{\"row_count\": 0}\n")
        #expect(bodies[8].text.hasSuffix("write=3:show "))
        #expect(bodies[12].text == "-ERR no reply\n")
        #expect(bodies[12].isError)
        #expect(!bodies[0].isError)
    }

    @Test func bgapiRepliesCarryTheJobUUID() throws {
        let messages = try Fixtures.messages("bgapi")
        let replies = messages.compactMap { message -> Reply? in
            if case .reply(let reply) = message, reply.jobUUID != nil { return reply }
            return nil
        }
        #expect(replies.count == 3)
        #expect(replies[1].jobUUID == "d8c7f660-37a6-4e73-9170-1a731c442148")
        #expect(replies[1].text == "+OK Job-UUID: d8c7f660-37a6-4e73-9170-1a731c442148")
        let jobs = messages.compactMap { message -> Event? in
            if case .event(let event, .plain) = message, event.name == "BACKGROUND_JOB" { return event }
            return nil
        }
        #expect(jobs.count == 3)
        #expect(jobs.map(\.jobUUID) == replies.map(\.jobUUID))
        #expect(jobs[1].body == "FreeSWITCH Version 1.11.3-dev+git~20260821T141014Z~cc93a683ca~64bit (git cc93a68 2026-08-21 14:10:14Z 64bit)\n")
        #expect(jobs[0].body?.hasPrefix("UP 0 years") == true)
        #expect(jobs[0].body?.utf8.count == 363)
        #expect(jobs[0]["Job-Command"] == "status")
        // The body's length is framing, not a header of the event.
        #expect(!jobs[0].headers.contains("Content-Length"))
        #expect(jobs[2].body?.hasPrefix("-ERR") == true)
    }

    @Test func logLines() throws {
        let messages = try Fixtures.messages("logs-debug")
        let lines = messages.compactMap { message -> LogLine? in
            if case .log(let line) = message { return line }
            return nil
        }
        #expect(lines.count > 100)
        let first = lines[0]
        #expect(first.level == 7)
        #expect(first.levelName == "DEBUG")
        #expect(first.textChannel == 3)
        #expect(first.file == "switch_ivr_originate.c")
        #expect(first.function == "switch_ivr_originate")
        #expect(first.line == 2301)
        #expect(first.userData == "")
        #expect(first.text == "2026-11-27 00:28:57.474933 33.17% [DEBUG] switch_ivr_originate.c:2301 Parsing global variables\n")
        #expect(lines[1].userData == "650e7650-5e04-4a0a-812b-915811a5ca4c")
        #expect(lines[1].level == 5)
        // The frame a LogLine writes is the frame it came from.
        let frames = try Fixtures.frames(Fixtures.received("logs-debug")).frames.filter { $0.contentType == "log/data" }
        #expect(frames[0] == first.frame)
    }

    @Test func outboundConnectReplyIsAChannel() throws {
        let messages = try Fixtures.messages("outbound-session")
        guard case .reply(let connect) = messages[0] else { Issue.record("first message is not a reply"); return }
        #expect(connect.text == "+OK")
        #expect(connect.isOK)
        #expect(connect.headers["Socket-Mode"] == "async")
        let channel = try #require(connect.channelData)
        #expect(channel.name == "CHANNEL_DATA")
        #expect(channel["Channel-Caller-ID-Name"] == "Outbound Call")
        #expect(channel["variable_current_application_data"] == "127.0.0.1:8084 async full")
        #expect(messages.map(\.label).contains("reply loopback/9196-a"))
        guard case .disconnect(let notice) = messages.last else { Issue.record("no linger notice"); return }
        #expect(notice.disposition == .linger)
        #expect(notice.lingerSeconds == 5)
        #expect(notice.sessionUUID == "cbb44022-4489-4d0f-8356-bd2a778606b9")
    }

    @Test func literalPercentInOrdinaryRepliesIsKept() {
        let frame = Frame(headers: ["Content-Type": "command/reply", "Reply-Text": "+OK filter added. [X]=[100%41]"])
        guard case .reply(let reply) = Message(frame: frame) else { Issue.record("not a reply"); return }
        #expect(reply.text == "+OK filter added. [X]=[100%41]")
    }

    @Test func rudeRejection() {
        let frame = Frame(headers: ["Content-Type": "text/rude-rejection", "Content-Length": "24"], body: Array("Access Denied, go away.\n".utf8))
        #expect(Message(frame: frame) == .rudeRejection("Access Denied, go away.\n"))
    }

    @Test func frameWithoutContentTypeIsRaw() {
        let frame = Frame(headers: ["Foo": "bar"])
        #expect(Message(frame: frame) == .raw(frame))
    }
}
