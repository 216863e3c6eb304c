import ESLProtocol
import TestSupport
import Testing

/// The correlation machine driven with frames from the captures: no socket, no thread, no clock.
@Suite struct ReplyCorrelationTests {
    typealias Machine = ReplyCorrelation<String, String>

    /// What a delivery says, as text to compare.
    static func describe(_ delivery: Machine.Delivery) -> String {
        switch delivery {
        case .answer(let waiter, let response): return "\(waiter): \(response.text)"
        case .late: return "late"
        case .job(let job, let event): return "job \(job): \(event.jobUUID ?? "?")"
        case .malformedJob(let job, let reason): return "malformed job \(job): \(reason)"
        case .inbound: return "inbound"
        }
    }

    /// A streamed body that is never read.
    final class Body: BodyStream, @unchecked Sendable {
        let length = 0
        func next() throws(ConnectionError) -> [UInt8]? { nil }
        func abandon() {}
    }

    /// The bgapi capture after the handshake: the replies to `event`, `bgapi status`, `bgapi version`
    /// (with a Job-UUID chosen by the client) and `bgapi bogus_command`, each followed by its job's event.
    static func bgapiMessages() throws -> [Message] { Array(try Fixtures.messages("bgapi").dropFirst(2)) }

    @Test func repliesAnswerCommandsInTheOrderTheyWereSent() throws {
        let replies = try Fixtures.messages("command-replies").filter { if case .reply = $0 { true } else { false } }
        try #require(replies.count >= 3)
        var machine = Machine()
        for index in replies.indices { #expect(machine.commandSent("command \(index)") != nil) }
        #expect(machine.placesInLine == replies.count)
        for (index, reply) in replies.enumerated() {
            guard case .reply(let expected) = reply else { continue }
            #expect(Self.describe(machine.route(reply)) == "command \(index): \(expected.text)")
        }
        #expect(machine.placesInLine == 0)
        // Nobody waits any more: a further reply is the consumer's.
        #expect(Self.describe(machine.route(replies[0])) == "inbound")
    }

    @Test func aReplyAfterItsWaiterTimedOutIsDiscardedNotGivenToTheNextCommand() throws {
        let replies = try Fixtures.messages("api-replies").filter { if case .apiResponse = $0 { true } else { false } }
        try #require(replies.count >= 2)
        var machine = Machine()
        let slowPlace = machine.commandSent("slow")
        let slow = try #require(slowPlace)
        _ = machine.commandSent("next")
        #expect(machine.abandon(slow) == "slow")
        #expect(machine.abandon(slow) == nil)
        #expect(Self.describe(machine.route(replies[0])) == "late")
        #expect(Self.describe(machine.route(replies[1])) == "next: \(replies[1].apiText)")
    }

    @Test func cancellingAllKeepsThePlacesSoEveryLateReplyIsDropped() throws {
        let replies = try Fixtures.messages("command-replies").filter { if case .reply = $0 { true } else { false } }
        var machine = Machine()
        _ = machine.commandSent("a")
        _ = machine.commandSent("b")
        #expect(machine.abandonAll() == ["a", "b"])
        #expect(machine.abandonAll() == [])
        _ = machine.commandSent("c")
        #expect(Self.describe(machine.route(replies[0])) == "late")
        #expect(Self.describe(machine.route(replies[1])) == "late")
        #expect(Self.describe(machine.route(replies[2])).hasPrefix("c: "))
    }

    @Test func aJobsResultReachesItsJobEvenBeforeTheBgapiReply() throws {
        let messages = try Self.bgapiMessages()
        // `bgapi version` carried Job-UUID d8c7…: its reply is messages[3], its event messages[4].
        var machine = Machine()
        machine.registerJob(uuid: "d8c7f660-37a6-4e73-9170-1a731c442148", "version")
        _ = machine.commandSent("bgapi version")
        #expect(Self.describe(machine.route(messages[4])) == "job version: d8c7f660-37a6-4e73-9170-1a731c442148")
        #expect(machine.pendingJobs.isEmpty)
        #expect(Self.describe(machine.route(messages[3])) == "bgapi version: +OK Job-UUID: d8c7f660-37a6-4e73-9170-1a731c442148")
        // Delivered once: the same event again is the consumer's.
        #expect(Self.describe(machine.route(messages[4])) == "inbound")
    }

    @Test func otherClientsJobsGoToTheConsumer() throws {
        let messages = try Self.bgapiMessages()
        var machine = Machine()
        machine.registerJob(uuid: "d8c7f660-37a6-4e73-9170-1a731c442148", "version")
        #expect(Self.describe(machine.route(messages[2])) == "inbound")  // c126…: a job this client did not start
        #expect(Self.describe(machine.route(messages[6])) == "inbound")  // b5a2…
        #expect(machine.pendingJobs == ["version"])
        #expect(machine.forgetJob(uuid: "d8c7f660-37a6-4e73-9170-1a731c442148") == "version")
        #expect(Self.describe(machine.route(messages[4])) == "inbound")
    }

    @Test func aStreamedAnswerTakesTheOldestPlaceLikeAWholeOne() throws {
        let body = Body()
        var machine = Machine()
        #expect(Self.describe(machine.streamBegins(body)) == "inbound")  // nobody asked
        let firstPlace = machine.commandSent("show everything")
        let first = try #require(firstPlace)
        _ = machine.commandSent("status")
        machine.abandon(first)
        #expect(Self.describe(machine.streamBegins(body)) == "late")
        guard case .answer(let waiter, .apiStream(let stream)) = machine.streamBegins(body) else {
            Issue.record("the stream did not answer the second command")
            return
        }
        #expect(waiter == "status")
        #expect(stream === body)
    }

    @Test func closingReleasesTheWaitersStillWaitingAndThePendingJobs() throws {
        var machine = Machine()
        let gaveUpPlace = machine.commandSent("gave up")
        let gaveUp = try #require(gaveUpPlace)
        _ = machine.commandSent("waiting")
        machine.abandon(gaveUp)
        machine.registerJob(uuid: "u1", "job")
        let released = machine.close()
        #expect(released.waiters == ["waiting"])
        #expect(released.jobs == ["job"])
        #expect(machine.isClosed)
        #expect(machine.commandSent("after") == nil)
        machine.registerJob(uuid: "u2", "late job")
        #expect(machine.pendingJobs.isEmpty)
    }

    @Test func theGoodbyeNoticeIsWhyThePeerClosed() throws {
        var machine = Machine()
        #expect(machine.peerClosedCause(peer: "127.0.0.1:8021") == .peerClosed(peer: "127.0.0.1:8021"))
        #expect(machine.peerClosedCause(peer: "127.0.0.1:8021").description == "connection closed by 127.0.0.1:8021")
        let linger = Message(frame: Frame(headers: ["Content-Type": "text/disconnect-notice", "Content-Disposition": "linger", "Linger-Time": "5"],
                                          body: Array("Lingering\n".utf8)))
        #expect(Self.describe(machine.route(linger)) == "inbound")
        #expect(machine.goodbye == nil)  // a linger notice is not a goodbye: the call's last events follow
        #expect(machine.lingering?.lingerTime == .seconds(5))  // …for at most this long
        let goodbye = try #require(try Fixtures.messages("handshake-ok-exit").last)
        guard case .disconnect(let notice) = goodbye else {
            Issue.record("the capture does not end with a disconnect notice")
            return
        }
        #expect(Self.describe(machine.route(goodbye)) == "inbound")
        #expect(machine.peerClosedCause(peer: "127.0.0.1:8021") == .goodbye(notice))
        #expect(machine.peerClosedCause(peer: "127.0.0.1:8021").description == "server closed the connection: Disconnected, goodbye.")
    }

    /// Issue 14, class 7: a job's BACKGROUND_JOB whose inner length lies goes to its job as a
    /// malformed result; another client's is inbound, as any malformed event.
    @Test func aJobsResultWithALyingLengthIsItsMalformedResult() {
        var machine = Machine()
        machine.registerJob(uuid: "u1", "mine")
        let lying = { (uuid: String) in
            Message(frame: Frame(headers: ["Content-Type": "text/event-plain"],
                                 body: Array("Event-Name: BACKGROUND_JOB\nJob-UUID: \(uuid)\nContent-Length: 9\n\n+OK\n".utf8)))
        }
        #expect(Self.describe(machine.route(lying("other"))) == "inbound")
        #expect(Self.describe(machine.route(lying("u1"))) == "malformed job mine: malformed plain event: inner Content-Length 9 is longer than the 4-byte body it frames")
        #expect(machine.pendingJobs.isEmpty)
    }
}

extension Message {
    /// An `api/response`'s text, for expectations.
    fileprivate var apiText: String { if case .apiResponse(let response) = self { response.text } else { "" } }
}
