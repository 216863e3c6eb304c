import Foundation
import TestSupport
import Testing

/// Issue 14, class 2: a `text/disconnect-notice` without linger ends the session at once, even when
/// the peer keeps the connection open (the runner kills an eslsh still waiting after 20 s: 9).
@Suite(.serialized, .timeLimit(.minutes(1))) struct GoodbyeTests {
    static let goodbye = "Content-Type: text/disconnect-notice\nContent-Length: 67\n\nDisconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n"

    /// Says goodbye after the first command (answered or not), then keeps the connection open until
    /// the client closes it.
    static func server(answering: Bool) -> ScriptedServer {
        ScriptedServer { peer in
            peer.acceptAuth()
            _ = peer.readCommand()
            if answering { peer.send("Content-Type: command/reply\nReply-Text: +OK event listener enabled plain\n\n") }
            peer.send(goodbye)
            while peer.readCommand() != nil {}
        }
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
