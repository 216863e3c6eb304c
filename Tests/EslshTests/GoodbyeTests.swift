import Foundation
import TestSupport
import Testing

/// Issue 14, class 2: a `text/disconnect-notice` without linger ends the session at once, even when
/// the peer keeps the connection open; a linger notice ends it once its linger time (and a second's
/// grace) is over (the runner kills an eslsh still waiting after 45 s: 9).
@Suite(.serialized, .timeLimit(.minutes(1))) struct GoodbyeTests {
    static let goodbye = "Content-Type: text/disconnect-notice\nContent-Length: 67\n\nDisconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n"

    /// Says goodbye (or sends `frames`) after the first command (answered or not), then keeps the
    /// connection open until the client closes it.
    static func server(answering: Bool, frames: [String] = [goodbye]) -> ScriptedServer {
        ScriptedServer { peer in
            peer.acceptAuth()
            _ = peer.readCommand()
            if answering { peer.send("Content-Type: command/reply\nReply-Text: +OK event listener enabled plain\n\n") }
            for frame in frames { peer.send(frame) }
            while peer.readCommand() != nil {}
        }
    }

    /// A linger notice as the switch sends it (outbound-session capture), with a one-second linger.
    static let lingering = "Content-Type: text/disconnect-notice\nControlled-Session-UUID: cbb44022-4489-4d0f-8356-bd2a778606b9\n"
        + "Content-Disposition: linger\nChannel-Name: loopback/9196-a\nLinger-Time: 1\nContent-Length: 0\n\n"

    /// A linger notice and one more event, then silence on an open connection.
    static func lingeringServer(answering: Bool) -> ScriptedServer {
        server(answering: answering, frames: [lingering, HostileServerTests.event("text/event-plain", "Event-Name: CHANNEL_HANGUP_COMPLETE\nX: 1\n\n")])
    }

    @Test func aStreamReadsWhatFollowsALingerNoticeThenEndsWithZero() throws {
        let server = Self.lingeringServer(answering: true)
        let (run, inTime) = try HangCheck.run { try EslshTests.run(["-P", "\(server.port)", "--events", "ALL", "--format", "headers"]) }
        #expect(inTime)
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("Event-Name: CHANNEL_HANGUP_COMPLETE\nX: 1\n"), "\(run.stdout)")
    }

    @Test func aCommandStillWaitingWhenTheLingerTimeIsOverEndsWithSix() throws {
        let server = Self.lingeringServer(answering: false)
        let (run, inTime) = try HangCheck.run { try EslshTests.run(["-P", "\(server.port)", "-x", "status"]) }
        #expect(inTime)
        #expect(run.status == 6)
        #expect(run.stderr == "eslsh: server closed the connection: the call ended; its linger time (1 s) is over\n", "\(run.stderr)")
    }

    @Test func aCommandStillWaitingEndsWithSixNamingTheNotice() throws {
        let server = Self.server(answering: false)
        let run = try EslshTests.run(["-P", "\(server.port)", "-x", "status"])
        #expect(run.status == 6)
        #expect(run.stderr.contains("Disconnected, goodbye."), "\(run.stderr)")
    }

    @Test func anEventStreamEndsWithZero() throws {
        let server = Self.server(answering: true)
        let run = try EslshTests.run(["-P", "\(server.port)", "--events", "ALL"])
        #expect(run.status == 0, "\(run.stderr)")
    }
}
