import ESLClient
import ESLProtocol
import Foundation
import TestSupport
import Testing

/// Issue 14, class 1: deadlines are absolute. `-T` bounds the connect and the whole handshake, `-t`
/// the whole answer, however the peer spreads its bytes; neither restarts with each frame. The peers
/// here keep talking for 30 s (`keepSending`): an eslsh whose clock restarted would still be waiting
/// at the hang check (15 s, fifteen times the 1 s under test).
@Suite(.timeLimit(.minutes(1))) struct DeadlineTests {
    static let heartbeat = HostileServerTests.event("text/event-plain", "Event-Name: HEARTBEAT\n\n")

    func run(_ arguments: [String], stdin: String? = nil) throws -> EslshTests.Run {
        let (run, inTime) = try HangCheck.run { try EslshTests.run(arguments, stdin: stdin) }
        #expect(inTime, "eslsh hung: \(run.stderr)")
        return run
    }

    @Test func eventsInsteadOfTheAuthRequestDoNotRestartTheConnectTimeout() throws {
        let server = ScriptedServer { peer in peer.keepSending(Self.heartbeat, everyMilliseconds: 400) }
        let run = try run(["-P", "\(server.port)", "-T", "1s", "-x", "status"])
        #expect(run.status == 3)
        #expect(run.stderr == "eslsh: 127.0.0.1:\(server.port) accepted the connection but sent no auth/request within 1000 ms (is this a FreeSWITCH event socket?)\n")
    }

    @Test func junkInsteadOfTheAuthReplyDoesNotRestartTheConnectTimeout() throws {
        let server = ScriptedServer { peer in
            peer.send("Content-Type: auth/request\n\n")
            _ = peer.readCommand()
            peer.keepSending("Content-Type: text/x-junk\nContent-Length: 3\n\nabc", everyMilliseconds: 400)
        }
        let run = try run(["-P", "\(server.port)", "-T", "1s", "-x", "status"])
        #expect(run.status == 3)
        #expect(run.stderr == "eslsh: no answer to authentication from 127.0.0.1:\(server.port) within 1000 ms\n")
    }

    /// `--retries 1`: the attempt that timed out is made once more, under a clock of its own, then 3.
    @Test func retriesApplyToAHandshakeThatTimedOut() throws {
        let server = ScriptedServer(connections: 2) { peer, _ in peer.keepSending(Self.heartbeat, everyMilliseconds: 400) }
        let run = try run(["-P", "\(server.port)", "-T", "1s", "--retries", "1", "-x", "status"])
        #expect(run.status == 3)
        let why = "127.0.0.1:\(server.port) accepted the connection but sent no auth/request within 1000 ms (is this a FreeSWITCH event socket?)"
        #expect(run.stderr == "eslsh: \(why); retrying (1/1)\neslsh: \(why)\n")
    }

    /// An answer over 1 MiB streams to stdout as it arrives; its body is still part of the answer `-t` waits for.
    @Test func aStreamedAnswerTrickledPastTheReplyTimeout() throws {
        let server = ScriptedServer { peer in
            peer.acceptAuth()
            _ = peer.readCommand()
            peer.send("Content-Type: api/response\nContent-Length: \(3 << 20)\n\n")
            peer.keepSending(String(repeating: "a", count: 1023) + "\n", everyMilliseconds: 300)
        }
        let run = try run(["-P", "\(server.port)", "-t", "1s", "-x", "status"])
        #expect(run.status == 5)
        #expect(run.stderr == "eslsh: no reply to 'api status' within 1000 ms\n")
    }
}
