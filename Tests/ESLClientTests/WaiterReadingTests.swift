import Foundation
@testable import ESLClient
import ESLProtocol
import TestSupport
import ESLSimulator
import Testing

/// `ConnectOptions.Reading.waiter`: no reader thread; the thread that waits reads. The same routing
/// must hold as with the reader thread (ConnectionTests): replies in order, job results, late replies
/// dropped, streamed answers in pieces, the peer's end and goodbye reported.
@Suite(.timeLimit(.minutes(1))) struct WaiterReadingTests {
    static func options(_ port: Int) -> ConnectOptions {
        var options = ConnectionTests.options(port)
        options.reading = .waiter
        return options
    }

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

    @Test func lateRepliesAreDroppedAfterATimeout() throws {
        let server = ScriptedServer { peer in
            peer.acceptAuth()
            _ = peer.readCommand()
            _ = peer.readCommand()
            peer.send("Content-Type: api/response\nContent-Length: 5\n\nfirst")
            peer.send("Content-Type: api/response\nContent-Length: 6\n\nsecond")
            _ = peer.readCommand()
        }
        let connection = try Connection.open(Self.options(server.port))
        defer { connection.close() }
        #expect(throws: ConnectionError.timedOut(command: "api one", milliseconds: 200)) {
            try connection.send(.api("one"), timeout: .milliseconds(200))
        }
        #expect(try connection.send(.api("two"), timeout: .seconds(5)).text == "second")
    }

    @Test func aLargeAnswerIsReadPieceByPieceAsItIsTaken() throws {
        let size = 8 << 20
        let server = ScriptedServer { peer in
            peer.acceptAuth()
            _ = peer.readCommand()
            peer.send("Content-Type: api/response\nContent-Length: \(size)\n\n")
            let block = [UInt8](repeating: 0x2E, count: 1 << 20)
            for _ in 0..<8 { peer.send(block) }
            _ = peer.readCommand()
            peer.send("Content-Type: api/response\nContent-Length: 2\n\nvm")
            _ = peer.readCommand()
        }
        let connection = try Connection.open(Self.options(server.port))
        defer { connection.close() }
        guard case .apiStream(let stream) = try connection.send(.api("show everything"), timeout: .seconds(10)) else {
            Issue.record("not streamed")
            return
        }
        var total = 0
        var largest = 0
        while let chunk = try stream.next() {
            total += chunk.count
            largest = max(largest, chunk.count)
        }
        #expect(total == size)
        // One read at a time: never more than the waiter's buffer in hand.
        #expect(largest <= 64 * 1024)
        #expect(try connection.send(.api("hostname"), timeout: .seconds(5)).text == "vm")
    }

    @Test func thePeersEndAndGoodbyeReachTheWaiter() throws {
        let midFrame = ScriptedServer { peer in
            peer.acceptAuth()
            _ = peer.readCommand()
            peer.send("Content-Type: api/response\nContent-Length: 100\n\nonly part of it")
        }
        let first = try Connection.open(Self.options(midFrame.port))
        defer { first.close() }
        #expect(throws: ConnectionError.closed(.closedMidFrame(peer: "127.0.0.1:\(midFrame.port)"))) {
            try first.send(.api("status"), timeout: .seconds(5))
        }
        let goodbye = ScriptedServer { peer in
            peer.acceptAuth()
            _ = peer.readCommand()
            peer.send("Content-Type: text/disconnect-notice\nContent-Length: 23\n\nDisconnected, goodbye.\n")
            while peer.readCommand() != nil {}
        }
        let second = try Connection.open(Self.options(goodbye.port))
        defer { second.close() }
        do {
            _ = try second.send(.api("status"), timeout: .seconds(20))
            Issue.record("answered")
        } catch {
            guard case .closed(.goodbye) = error else { Issue.record("\(error)"); return }
        }
        #expect(second.endReason != nil)
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
