import Foundation
@testable import ESLClient
import ESLProtocol
import TestSupport
import ESLSimulator
import Testing

/// `ConnectOptions.Reading.waiter`: no reader thread; the thread that waits reads. The same routing
/// must hold as with the reader thread: ConnectionTests runs its late-reply, mid-frame and streamed
/// cases both ways; here, what only a waiter that reads shows (results read while waiting for another,
/// the inbound queue filled by waiting, the goodbye).
@Suite(.timeLimit(.minutes(1))) struct WaiterReadingTests {
    static func options(_ port: Int) -> ConnectOptions { ConnectionTests.options(port, reading: .waiter) }

    @Test func repliesAndJobResultsReachTheirWaiters() throws {
        let simulator = try ConnectionTests.simulator()
        defer { simulator.stop() }
        let connection = try Connection.open(Self.options(simulator.port))
        defer { connection.close() }
        #expect(try connection.send(.api("hostname"), timeout: .seconds(5)).text == "vm")
        #expect(try connection.send(.api("bogus")).isError)
        #expect(try connection.send(.event(.plain, ["BACKGROUND_JOB"])) == .reply(Reply(text: "+OK event listener enabled plain")))
        let version = try connection.bgapi("version")
        let failing = try connection.bgapi("bogus_command")
        // Waited for in the other order than started: the first result is read while waiting for the second.
        #expect(try failing.wait(timeout: .seconds(5)).body == "-ERR bogus_command Command not found!\n")
        #expect(version.isDone)
        #expect(try version.wait(timeout: .seconds(5)).body == "FreeSWITCH Version 1.11.3-dev+git~20260821T141014Z~cc93a683ca~64bit (git cc93a68 2026-08-21 14:10:14Z 64bit)\n")
        #expect(connection.pendingJobs.isEmpty)
    }

    @Test func whatArrivesBeforeTheReplyGoesInboundFirst() throws {
        let server = ScriptedServer { peer in
            peer.acceptAuth()
            _ = peer.readCommand()
            peer.send("Content-Type: log/data\nContent-Length: 6\nLog-Level: 7\n\nhello\n")
            peer.send("Content-Type: api/response\nContent-Length: 2\n\nvm")
            _ = peer.readCommand()
        }
        let connection = try Connection.open(Self.options(server.port))
        defer { connection.close() }
        #expect(try connection.send(.api("hostname"), timeout: .seconds(5)).text == "vm")
        guard case .message(.log(let line))? = connection.inbound.poll() else {
            Issue.record("the log line was not queued")
            return
        }
        #expect(line.text == "hello\n")
    }

    @Test func aGoodbyeReachesTheWaiter() throws {
        let goodbye = ScriptedServer { peer in
            peer.acceptAuth()
            _ = peer.readCommand()
            peer.send("Content-Type: text/disconnect-notice\nContent-Length: 23\n\nDisconnected, goodbye.\n")
            while peer.readCommand() != nil {}
        }
        let connection = try Connection.open(Self.options(goodbye.port))
        defer { connection.close() }
        do {
            _ = try connection.send(.api("status"), timeout: .seconds(20))
            Issue.record("answered")
        } catch {
            guard case .closed(.goodbye) = error else { Issue.record("\(error)"); return }
        }
        #expect(connection.endReason != nil)
    }
}

extension WaiterReadingTests {
    /// Waiting on the inbound queue reads too: events arrive for a consumer with no reader thread.
    @Test func waitingForEventsReadsThem() throws {
        let simulator = try ConnectionTests.simulator()
        defer { simulator.stop() }
        let connection = try Connection.open(Self.options(simulator.port))
        defer { connection.close() }
        _ = try connection.send(.event(.plain, ["BACKGROUND_JOB"]))
        _ = try connection.send(.bgapi("hostname"))
        var result: Event?
        while result == nil, let item = connection.inbound.next(until: .after(milliseconds: 5000)) {
            if case .message(.event(let event, _)) = item { result = event }
        }
        #expect(result?.body == "vm")
        _ = try connection.send(.exit)
        var batch: [Inbound] = []
        while !batch.contains(where: { if case .closed = $0 { true } else { false } }) {
            let more = connection.inbound.nextBatch(limit: 16, until: .after(milliseconds: 5000))
            if more.isEmpty { break }
            batch += more
        }
        #expect(batch.contains { if case .closed(.closed(.goodbye)) = $0 { true } else { false } })
    }
}
