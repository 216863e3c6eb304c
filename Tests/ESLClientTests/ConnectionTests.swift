import Foundation
@testable import ESLClient
import ESLProtocol
import TestSupport
import ESLSimulator
import Testing

/// The connection against the simulator and scripted servers on loopback.
@Suite(.timeLimit(.minutes(1))) struct ConnectionTests {
    static func simulator(_ change: (inout SimulatorConfiguration) -> Void = { _ in }) throws -> Simulator {
        try testSimulator(change)
    }

    static func options(_ port: Int, password: String = "ClueCon", timeout: Int = 2000, reading: ConnectOptions.Reading = .thread) -> ConnectOptions {
        var options = ConnectOptions(host: "127.0.0.1", port: port, password: password, connectTimeoutMilliseconds: timeout)
        options.reading = reading
        return options
    }

    /// Both ways of reading the socket (a reader thread; the waiting thread, as `-x` does) must route alike.
    static let readings: [ConnectOptions.Reading] = [.thread, .waiter]

    @Test func connectsAuthenticatesAndRunsAPI() throws {
        let simulator = try Self.simulator()
        defer { simulator.stop() }
        let connection = try Connection.open(Self.options(simulator.port))
        defer { connection.close() }
        #expect(connection.authReply.text == "+OK accepted")
        let status = try connection.send(.api("status"), timeout: .seconds(5))
        guard case .api(let response) = status else { Issue.record("not an api response: \(status)"); return }
        #expect(response.text.hasPrefix("UP 0 years, 0 days"))
        #expect(try connection.send(.api("hostname")).text == "vm")
        let bogus = try connection.send(.api("bogus"))
        #expect(bogus.isError)
        let reply = try connection.send(.event(.plain, ["HEARTBEAT"]))
        #expect(reply == .reply(Reply(text: "+OK event listener enabled plain")))
    }

    @Test func userauth() throws {
        let simulator = try Self.simulator()
        defer { simulator.stop() }
        var options = Self.options(simulator.port, password: "1234")
        options.user = "1000@default"
        let connection = try Connection.open(options)
        defer { connection.close() }
        #expect(connection.authReply.headers["Allowed-API"] == "all")
        options.password = "nope"
        #expect(throws: ConnectError.authenticationFailed(peer: "127.0.0.1:\(simulator.port)", replyText: "-ERR invalid")) {
            try Connection.open(options)
        }
    }

    @Test func wrongPassword() throws {
        let simulator = try Self.simulator()
        defer { simulator.stop() }
        #expect(throws: ConnectError.authenticationFailed(peer: "127.0.0.1:\(simulator.port)", replyText: "-ERR invalid")) {
            try Connection.open(Self.options(simulator.port, password: "WrongPassword"))
        }
    }

    @Test func aclRejectionShowsTheServersWords() throws {
        let simulator = try Self.simulator { $0.rejectByACL = true }
        defer { simulator.stop() }
        do {
            _ = try Connection.open(Self.options(simulator.port))
            Issue.record("connected despite the ACL")
        } catch {
            #expect(error == .rejectedByACL(peer: "127.0.0.1:\(simulator.port)", text: "Access Denied, go away.\n"))
            #expect(error.isRejection)
            #expect(error.description.contains("rejected this client by ACL: Access Denied, go away."))
        }
    }

    @Test func refusedPort() throws {
        let server = ScriptedServer(accept: false)
        let port = server.port
        _ = consume server  // closed: nothing listens there now
        #expect(throws: ConnectError.socket(.refused(address: "127.0.0.1:\(port)"))) {
            try Connection.open(Self.options(port))
        }
    }

    @Test func unresolvableHost() {
        var options = Self.options(8021)
        options.host = "no-such-host.invalid"
        do {
            _ = try Connection.open(options)
            Issue.record("resolved")
        } catch {
            guard case .socket(.cannotResolve(let host, _)) = error else { Issue.record("\(error)"); return }
            #expect(host == "no-such-host.invalid")
        }
    }

    @Test func namesAndIPv6LiteralsResolve() throws {
        let simulator = try Self.simulator()
        defer { simulator.stop() }
        // localhost may resolve to ::1 first, where nothing listens: the next address must be tried.
        var options = Self.options(simulator.port)
        options.host = "localhost"
        try Connection.open(options).close()
        options.host = "[::1]"
        #expect(throws: ConnectError.socket(.refused(address: "[::1]:\(simulator.port)"))) { try Connection.open(options) }
    }

    @Test func listenerThatNeverSpeaks() throws {
        let server = ScriptedServer { peer in peer.holdUntilClosed() }
        let (_, inTime) = HangCheck.run {
            #expect(throws: ConnectError.noAuthRequest(peer: "127.0.0.1:\(server.port)", milliseconds: 300)) {
                try Connection.open(Self.options(server.port, timeout: 300))
            }
        }
        #expect(inTime, "the connect timeout did not fire")
    }

    @Test func serverThatClosesBeforeAuth() throws {
        let server = ScriptedServer { peer in peer.close() }
        #expect(throws: ConnectError.closedBeforeAuth(peer: "127.0.0.1:\(server.port)")) {
            try Connection.open(Self.options(server.port))
        }
    }

    @Test func garbageBeforeAuthRequestIsSkipped() throws {
        let server = ScriptedServer { peer in
            peer.send("Hello: this is not an event socket\n\n")
            peer.acceptAuth()
            _ = peer.readCommand()
        }
        try Connection.open(Self.options(server.port)).close()
    }

    @Test func bgapiJobsFindTheirResults() throws {
        let simulator = try Self.simulator()
        defer { simulator.stop() }
        let connection = try Connection.open(Self.options(simulator.port))
        defer { connection.close() }
        let other = try Connection.open(Self.options(simulator.port))
        defer { other.close() }
        _ = try connection.send(.event(.plain, ["BACKGROUND_JOB"]))
        let status = try connection.bgapi("status")
        let version = try connection.bgapi("version")
        let failing = try connection.bgapi("bogus_command")
        // Another client's job: its result reaches our subscription, but none of our jobs.
        _ = try other.send(.bgapi("hostname"))
        #expect(try version.wait(timeout: .seconds(5)).body == "FreeSWITCH Version 1.11.3-dev+git~20260821T141014Z~cc93a683ca~64bit (git cc93a68 2026-08-21 14:10:14Z 64bit)\n")
        #expect(try status.wait(timeout: .seconds(5)).body?.hasPrefix("UP ") == true)
        let failed = try failing.wait(timeout: .seconds(5))
        #expect(failed.body == "-ERR bogus_command Command not found!\n")
        #expect(failed.jobUUID == failing.uuid)
        #expect(status.reply?.text == "+OK Job-UUID: \(status.uuid)")
        #expect(connection.pendingJobs.isEmpty)
        var foreign: Event?
        while foreign == nil, let item = connection.inbound.next(until: .after(milliseconds: 2000)) {
            if case .message(.event(let event, _)) = item { foreign = event }
        }
        #expect(foreign?["Job-Command"] == "hostname")
    }

    @Test func eventsAndLogLinesArriveInbound() throws {
        let simulator = try Self.simulator()
        defer { simulator.stop() }
        let connection = try Connection.open(Self.options(simulator.port))
        defer { connection.close() }
        _ = try connection.send(.event(.json, ["CHANNEL_CREATE", "CHANNEL_ANSWER"]))
        _ = try connection.send(.log("notice"))
        let answer = try connection.send(.api("originate loopback/9196/default &park"))
        #expect(answer.text.hasPrefix("+OK "))
        var names: [String] = []
        var logs = 0
        while names.count < 4, let item = connection.inbound.next(until: .after(milliseconds: 3000)) {
            switch item {
            case .message(.event(let event, let format)):
                #expect(format == .json)
                names.append(event.name)
            case .message(.log(let line)):
                #expect(line.level <= 5)
                logs += 1
            default: break
            }
        }
        #expect(names.sorted() == ["CHANNEL_ANSWER", "CHANNEL_ANSWER", "CHANNEL_CREATE", "CHANNEL_CREATE"])
        #expect(logs > 0)
    }

    @Test func exitShowsTheDisconnectNotice() throws {
        let simulator = try Self.simulator()
        defer { simulator.stop() }
        let connection = try Connection.open(Self.options(simulator.port))
        #expect(try connection.send(.exit).text == "+OK bye")
        var items: [Inbound] = []
        while let item = connection.inbound.next(until: .after(milliseconds: 3000)) { items.append(item) }
        guard items.count == 2, case .message(.disconnect(let notice)) = items[0], case .closed(let reason) = items[1] else {
            Issue.record("unexpected \(items)")
            return
        }
        #expect(notice.text == DisconnectNotice.goodbyeText)
        #expect(reason == .closed(.goodbye(notice)))
        #expect(reason.description == "server closed the connection: Disconnected, goodbye.")
        #expect(throws: ConnectionError.closed(.goodbye(notice))) {
            try connection.send(.api("status"))
        }
    }

    @Test(arguments: ConnectionTests.readings)
    func serverClosingMidFrame(reading: ConnectOptions.Reading) throws {
        let server = ScriptedServer { peer in
            peer.acceptAuth()
            _ = peer.readCommand()
            peer.send("Content-Type: api/response\nContent-Length: 100\n\nonly part of it")
        }
        let connection = try Connection.open(Self.options(server.port, reading: reading))
        defer { connection.close() }
        #expect(throws: ConnectionError.closed(.closedMidFrame(peer: "127.0.0.1:\(server.port)"))) {
            try connection.send(.api("status"), timeout: .seconds(5))
        }
        #expect(ConnectionError.closed(.closedMidFrame(peer: "127.0.0.1:\(server.port)")).description
            == "connection to 127.0.0.1:\(server.port) closed in the middle of a frame")
    }

    @Test(arguments: ConnectionTests.readings)
    func lateRepliesAreDiscardedAfterATimeout(reading: ConnectOptions.Reading) throws {
        let server = ScriptedServer { peer in
            peer.acceptAuth()
            _ = peer.readCommand()
            _ = peer.readCommand()
            // Both answers only now: the first belongs to the command that timed out.
            peer.send("Content-Type: api/response\nContent-Length: 5\n\nfirst")
            peer.send("Content-Type: api/response\nContent-Length: 6\n\nsecond")
            _ = peer.readCommand()
        }
        let connection = try Connection.open(Self.options(server.port, reading: reading))
        defer { connection.close() }
        #expect(throws: ConnectionError.timedOut(command: "api one", milliseconds: 200)) {
            try connection.send(.api("one"), timeout: .milliseconds(200))
        }
        #expect(try connection.send(.api("two"), timeout: .seconds(5)).text == "second")
        #expect(connection.inbound.poll() == nil)
    }

    @Test func unsolicitedRepliesGoInbound() throws {
        let server = ScriptedServer { peer in
            peer.acceptAuth()
            peer.send("Content-Type: command/reply\nReply-Text: +OK surprise\n\n")
            _ = peer.readCommand()
        }
        let connection = try Connection.open(Self.options(server.port))
        defer { connection.close() }
        guard case .message(.reply(let reply))? = connection.inbound.next(until: .after(milliseconds: 2000)) else {
            Issue.record("no unsolicited reply")
            return
        }
        #expect(reply.text == "+OK surprise")
    }

    @Test func aFramingErrorEndsTheConnectionWithItsReason() throws {
        let server = ScriptedServer { peer in
            peer.acceptAuth()
            _ = peer.readCommand()
            peer.send("Content-Type: api/response\nContent-Length: -5\n\n")
            peer.holdUntilClosed()
        }
        let connection = try Connection.open(Self.options(server.port))
        defer { connection.close() }
        #expect(throws: ConnectionError.protocolError(.invalidContentLength("-5"))) {
            try connection.send(.api("status"), timeout: .seconds(5))
        }
    }

    @Test func unencodableCommandsAreNotSent() throws {
        let simulator = try Self.simulator()
        defer { simulator.stop() }
        let connection = try Connection.open(Self.options(simulator.port))
        defer { connection.close() }
        #expect(throws: ConnectionError.encoding(.lineBreak(field: "API command"))) { try connection.send(.api("status\n\nexit")) }
        #expect(try connection.send(.api("hostname"), timeout: .seconds(5)).text == "vm")
    }

    @Test func cancelledWaitsLeaveTheConnectionInStep() throws {
        // The server answers the first command only after the wait for it was cancelled.
        let received = Gate(), cancelled = Gate()
        let server = ScriptedServer { peer in
            peer.acceptAuth()
            _ = peer.readCommand()
            received.open()
            cancelled.wait()
            peer.send("Content-Type: api/response\nContent-Length: 4\n\nlate")
            _ = peer.readCommand()
            peer.send("Content-Type: api/response\nContent-Length: 4\n\nmine")
        }
        let connection = try Connection.open(Self.options(server.port))
        defer { connection.close() }
        _ = startThread {
            received.wait()
            connection.cancelWaiting()
        }
        #expect(throws: ConnectionError.cancelled) { try connection.send(.api("slow"), timeout: .seconds(15)) }
        cancelled.open()
        #expect(try connection.send(.api("next"), timeout: .seconds(5)).text == "mine")
    }
}

@Suite struct InboundQueueTests {
    @Test func aSlowConsumerLosesTheOldestAndIsToldHowMany() {
        let queue = InboundQueue(capacity: 10)
        for index in 0..<25 { queue.push(.rudeRejection(String(index))) }
        queue.close(.closed(.peerClosed(peer: "switch")))
        var items: [String] = []
        while let item = queue.next(until: .after(milliseconds: 10)) {
            switch item {
            case .dropped(let count): items.append("dropped \(count)")
            case .message(.rudeRejection(let text)): items.append(text)
            case .closed(let reason): items.append("closed \(reason)")
            default: items.append("?")
            }
        }
        #expect(items == ["dropped 15"] + (15..<25).map(String.init) + ["closed connection closed by switch"])
        #expect(queue.droppedTotal == 15)
    }

    @Test func theRingGrowsInOrderPastItsFirstSizeAndStillDropsAtCapacity() {
        // The ring starts small and doubles; growing while the oldest entry sits mid-ring must keep the order.
        let queue = InboundQueue(capacity: 300, pacing: .init(pauseAbove: .max))  // no consumer thread: never pause
        var received: [String] = []
        func take(_ count: Int) {
            for _ in 0..<count {
                if case .message(.rudeRejection(let text))? = queue.poll() { received.append(text) }
            }
        }
        for index in 0..<50 { queue.push(.rudeRejection(String(index))) }
        take(30)
        for index in 50..<400 { queue.push(.rudeRejection(String(index))) }
        // 20 left + 350 pushed = 370 through a 300-place queue: the 70 oldest go.
        #expect(queue.poll() == .dropped(70))
        take(300)
        let expected = (0..<30).map(String.init) + (100..<400).map(String.init)
        #expect(received == expected)
        #expect(queue.poll() == nil)
    }

    @Test func aProducerAboveThePauseMarkWaitsForAConsumerThatIsTaking() {
        // Long pauses make the order certain: the push returns only once the consumer has taken enough.
        let pacing = InboundQueue.Pacing(pauseAbove: 10, resumeAt: 4, longestPause: .seconds(30), activeWithin: .seconds(30), share: 1)
        let queue = InboundQueue(capacity: 100, pacing: pacing)
        queue.push(.rudeRejection("first"))
        #expect(queue.poll() == .message(.rudeRejection("first")))  // the consumer is now active
        let taken = Locked<Int?>(nil)
        let consumer = Thread {
            // Takes only after the producer has gone past the mark and paused.
            while queue.depth <= 10 { usleep(1000) }
            usleep(20_000)
            let batch = queue.nextBatch(limit: 8, until: nil)
            taken.withLock { $0 = batch.count }
        }
        consumer.start()
        queue.push((0..<12).map { .rudeRejection(String($0)) })
        // The push returned once the consumer had brought the depth down to the resume mark.
        #expect(queue.depth == 4)
        while taken.withLock({ $0 }) == nil { usleep(1000) }
        #expect(taken.withLock { $0 } == 8)
        #expect(queue.droppedTotal == 0)
    }

    @Test(.timeLimit(.minutes(1)))
    func aConsumerThatStoppedTakingGetsNoPauseAndLosesTheOldest() {
        // A pause here would last 120 s and fail the time limit.
        let pacing = InboundQueue.Pacing(pauseAbove: 2, resumeAt: 1, longestPause: .seconds(120), activeWithin: .milliseconds(1), share: 1)
        let queue = InboundQueue(capacity: 5, pacing: pacing)
        queue.push(.rudeRejection("first"))
        _ = queue.poll()
        usleep(20_000)  // longer than activeWithin: the consumer has stopped
        queue.push((0..<8).map { .rudeRejection(String($0)) })
        #expect(queue.poll() == .dropped(3))
        #expect(queue.droppedTotal == 3)
    }

    @Test func waitingForAnEmptyQueueTimesOut() {
        let queue = InboundQueue(capacity: 2)
        #expect(queue.next(until: .after(milliseconds: 20)) == nil)
    }
}

@Suite struct ConnectTimeoutTests {
    @Test func aSwitchThatNeverAnswersTheConnectTimesOut() throws {
        // A listener that never accepts, its one-place queue filled: further SYNs go unanswered.
        let server = ScriptedServer(backlog: 0, accept: false)
        var fillers: [Socket] = []
        for _ in 0..<3 {
            if let socket = try? Socket.connect(host: "127.0.0.1", port: server.port, timeoutMilliseconds: 200) { fillers.append(socket) }
        }
        #expect(throws: ConnectError.socket(.timedOut(address: "127.0.0.1:\(server.port)", milliseconds: 300))) {
            try Connection.open(ConnectionTests.options(server.port, timeout: 300))
        }
        withExtendedLifetime(fillers) {}
    }
}

@Suite(.timeLimit(.minutes(1))) struct StreamedResponseTests {
    @Test(arguments: ConnectionTests.readings)
    func aLargeAPIOutputIsReadPieceByPiece(reading: ConnectOptions.Reading) throws {
        let size = 20 << 20
        let server = ScriptedServer { peer in
            peer.acceptAuth()
            _ = peer.readCommand()
            peer.send("Content-Type: api/response\nContent-Length: \(size)\n\n")
            let block = [UInt8](repeating: 0x2E, count: 1 << 20)
            for _ in 0..<20 { peer.send(block) }
            _ = peer.readCommand()
            peer.send("Content-Type: api/response\nContent-Length: 2\n\nvm")
            _ = peer.readCommand()
        }
        let connection = try Connection.open(ConnectionTests.options(server.port, reading: reading))
        defer { connection.close() }
        guard case .apiStream(let stream) = try connection.send(.api("show everything"), timeout: .seconds(10)) else {
            Issue.record("not streamed")
            return
        }
        #expect(stream.length == size)
        var total = 0
        var largest = 0
        while let chunk = try stream.next() {
            total += chunk.count
            largest = max(largest, chunk.count)
            #expect(chunk.allSatisfy { $0 == 0x2E })
        }
        #expect(total == size)
        // One read at a time: never more than the reader's buffer in hand (the waiter's is 64 KiB).
        #expect(largest <= (reading == .waiter ? 64 : 256) * 1024)
        #expect(try connection.send(.api("hostname"), timeout: .seconds(5)).text == "vm")
    }

    @Test(arguments: ConnectionTests.readings)
    func aConnectionLostMidStreamIsAnError(reading: ConnectOptions.Reading) throws {
        let server = ScriptedServer { peer in
            peer.acceptAuth()
            _ = peer.readCommand()
            peer.send("Content-Type: api/response\nContent-Length: \(4 << 20)\n\n")
            peer.send([UInt8](repeating: 0x2E, count: 2 << 20))
        }
        let connection = try Connection.open(ConnectionTests.options(server.port, reading: reading))
        defer { connection.close() }
        guard case .apiStream(let stream) = try connection.send(.api("x"), timeout: .seconds(10)) else {
            Issue.record("not streamed")
            return
        }
        var total = 0
        do {
            while let chunk = try stream.next() { total += chunk.count }
            Issue.record("ended without an error")
        } catch {
            #expect(error == .closed(.closedMidFrame(peer: "127.0.0.1:\(server.port)")))
            #expect(error.description == "connection to 127.0.0.1:\(server.port) closed in the middle of a frame")
        }
        #expect(total == 2 << 20)
    }
}
