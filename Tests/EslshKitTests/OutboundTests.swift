import ConsoleUI
import ESLClient
import ESLProtocol
import ESLSimulator
import Testing
import TestSupport
@testable import EslshKit

@Suite struct OutboundLineTests {
    func parse(_ line: String, console: Bool = false) throws -> OutboundLine {
        try OutboundLine.parse(line, consoleLines: console, newUUID: { "app-uuid" })
    }

    @Test func applicationsCarryTheirEventUUID() throws {
        #expect(try parse("  playback /tmp/x.wav ") == .command(.sendmsg(uuid: nil, .execute("playback", "/tmp/x.wav", eventUUID: "app-uuid", eventLock: true)),
                                                                applicationUUID: "app-uuid"))
        #expect(try parse("answer") == .command(.sendmsg(uuid: nil, .execute("answer", nil, eventUUID: "app-uuid", eventLock: true)), applicationUUID: "app-uuid"))
    }

    @Test func slashLines() throws {
        #expect(try parse("/getvar channel_name") == .command(.getvar("channel_name"), applicationUUID: nil))
        #expect(try parse("/linger 5") == .command(.linger(seconds: 5), applicationUUID: nil))
        #expect(try parse("/linger") == .command(.linger(seconds: nil), applicationUUID: nil))
        #expect(try parse("/nolinger") == .command(.nolinger, applicationUUID: nil))
        #expect(try parse("/resume") == .command(.resume, applicationUUID: nil))
        #expect(try parse("/hangup NORMAL_CLEARING") == .command(.sendmsg(uuid: nil, .hangup(cause: "NORMAL_CLEARING")), applicationUUID: nil))
        #expect(try parse("/divert_events on") == .command(.raw("divert_events on"), applicationUUID: nil))
        for exit in ["/exit", "/QUIT", "/bye"] { #expect(try parse(exit) == .exit) }
        #expect(try parse("") == .skip)
        #expect(try parse("  # note") == .skip)
        #expect(throws: CommandError.missing("variable name (/getvar name)")) { try parse("/getvar") }
    }

    /// The console's own lines are the console's; a script sends them on to the switch.
    @Test func consoleLinesOnlyAtTheConsole() throws {
        #expect(try parse("/call 2", console: true) == .console("call", rest: "2"))
        #expect(try parse("/Vars sip_", console: true) == .console("vars", rest: "sip_"))
        #expect(try parse("/help", console: true) == .console("help", rest: ""))
        #expect(try parse("/calls") == .command(.raw("calls"), applicationUUID: nil))
        #expect(try parse("/exit", console: true) == .exit)
    }
}

@Suite struct CallIntroductionTests {
    /// The caller-ID rule, on the real switch's `connect` reply: Caller-* first (every later event of
    /// the call carries those), Channel-* when they are missing.
    @Test func theCapturedConnectReplyDescribesTheCall() throws {
        let frames = try Fixtures.frames(Fixtures.received("outbound-session")).frames
        guard case .reply(let reply) = Message(frame: frames[0]), let channel = reply.channelData else {
            Issue.record("the capture's first frame is not the connect reply")
            return
        }
        let call = OutboundCall(number: 1, channel: channel, arrived: Deadline(nanoseconds: 0))
        #expect(call.announcement == "call cbb44022-4489-4d0f-8356-bd2a778606b9 from Outbound Call <default> to 9196 on loopback/9196-a (answered)")
        var onlyChannel = Headers([Header("Unique-ID", "u1"), Header("Channel-Caller-ID-Name", "Alice"), Header("Channel-Caller-ID-Number", "1000"),
                                   Header("Channel-Destination-Number", "9196")])
        #expect(OutboundCall(number: 1, channel: Event(headers: onlyChannel), arrived: Deadline(nanoseconds: 0)).caller == "Alice <1000>")
        onlyChannel.append(Header("Caller-Caller-ID-Name", "Bob"))
        #expect(OutboundCall(number: 1, channel: Event(headers: onlyChannel), arrived: Deadline(nanoseconds: 0)).caller == "Bob <1000>")
    }

    @Test func aSimulatedCallIsIntroducedAndSubscribed() throws {
        let simulator = try testSimulator()
        defer { simulator.stop() }
        let listener = try Listener(host: "127.0.0.1", port: 0)
        let uuid = simulator.originate(destination: "9196", socket: "127.0.0.1:\(listener.port)")
        var refused: [String] = []
        var outcome: CallIntroduction.Outcome?
        let taken = CallIntroduction.accept(from: listener, allow: .loopback, limit: 1, refused: { refused.append($0) }, accepted: { socket, _ in
            let connection = Connection.outbound(socket)
            outcome = CallIntroduction.introduce(connection, replyTimeout: .seconds(5))
        })
        #expect(taken == 1)
        #expect(refused.isEmpty)
        guard case .call(let channel, .success(let subscribed))? = outcome else {
            Issue.record("not introduced: \(String(describing: outcome))")
            return
        }
        #expect(OutboundCall(number: 1, channel: channel, arrived: Deadline(nanoseconds: 0)).uuid == uuid)
        #expect(subscribed.text == "+OK Events Enabled")
    }

    @Test func peersOutsideTheAllowListAreRefusedAndNotCounted() throws {
        let listener = try Listener(host: "127.0.0.1", port: 0)
        let first = try Socket.connect(host: "127.0.0.1", port: listener.port, timeoutMilliseconds: 2000)
        defer { _ = first }
        var refused: [String] = []
        let allow = try AllowList(["10.0.0.0/8"])
        // The first refusal closes the listener, so that the loop ends without a second peer.
        let taken = CallIntroduction.accept(from: listener, allow: allow, limit: 1, refused: { refused.append($0); listener.shutdown() },
                                            accepted: { _, _ in Issue.record("accepted") })
        #expect(taken == 0)
        #expect(refused == ["127.0.0.1"])
    }
}
