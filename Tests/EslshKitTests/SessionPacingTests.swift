import ESLClient
import ESLProtocol
import ESLSimulator
import Synchronization
import Testing
import TestSupport
@testable import EslshKit

/// Opens as `Connection.open` does after failing with the given errors first; notes when (on the
/// fake clock) each attempt was made.
final class ScriptedOpener: Sendable {
    private let failures: Mutex<[ConnectError]>
    private let attempts = Mutex<[Double]>([])
    private let clock: FakeClock

    init(clock: FakeClock, failures: [ConnectError]) {
        self.clock = clock
        self.failures = Mutex(failures)
    }

    var attemptTimes: [Double] { attempts.withLock { $0 } }

    var open: ConnectionOpener {
        { options, onInbound throws(ConnectError) in
            self.attempts.withLock { $0.append(self.clock.seconds) }
            if let failure = self.failures.withLock({ $0.isEmpty ? nil : $0.removeFirst() }) { throw failure }
            return try Connection.open(options, onInbound: onInbound)
        }
    }
}

@Suite struct SessionPacingTests {
    let gone = ConnectError.closedBeforeAuth(peer: "127.0.0.1:9")
    let refused = ConnectError.authenticationFailed(peer: "127.0.0.1:9", replyText: "-ERR invalid")

    @Test func retriesOneSecondApartThenGivesTheLastError() {
        let clock = FakeClock()
        let opener = ScriptedOpener(clock: clock, failures: Array(repeating: gone, count: 4))
        let output = CapturedOutput()
        #expect(throws: gone) {
            try Session.connect(settings(port: 9), retries: 3, printer: output.printer, pacing: clock.pacing, open: opener.open)
        }
        #expect(opener.attemptTimes == [0, 1, 2, 3])
        #expect(clock.sleeps == [.seconds(1), .seconds(1), .seconds(1)])
        #expect(output.stderr == """
            eslsh: 127.0.0.1:9 closed the connection before asking for authentication; retrying (1/3)
            eslsh: 127.0.0.1:9 closed the connection before asking for authentication; retrying (2/3)
            eslsh: 127.0.0.1:9 closed the connection before asking for authentication; retrying (3/3)

            """)
    }

    @Test func aRejectionIsNotRetried() {
        let clock = FakeClock()
        let opener = ScriptedOpener(clock: clock, failures: [refused])
        let output = CapturedOutput()
        #expect(throws: refused) {
            try Session.connect(settings(port: 9), retries: 5, printer: output.printer, pacing: clock.pacing, open: opener.open)
        }
        #expect(opener.attemptTimes == [0])
        #expect(clock.sleeps.isEmpty)
        #expect(output.stderr == "")
    }

    @Test func retryingQuietlyUnderQ() {
        let clock = FakeClock()
        let opener = ScriptedOpener(clock: clock, failures: [gone, gone])
        let output = CapturedOutput(quiet: true)
        #expect(throws: gone) {
            try Session.connect(settings(port: 9), retries: 1, printer: output.printer, pacing: clock.pacing, open: opener.open)
        }
        #expect(opener.attemptTimes == [0, 1])
        #expect(output.stderr == "")
    }

    @Test func aRetryThatReachesTheSwitch() throws {
        let simulator = try testSimulator()
        defer { simulator.stop() }
        let clock = FakeClock()
        let opener = ScriptedOpener(clock: clock, failures: [gone, gone])
        let output = CapturedOutput()
        let connection = try Session.connect(settings(port: simulator.port), retries: 2, printer: output.printer, pacing: clock.pacing, open: opener.open)
        defer { connection.close() }
        #expect(opener.attemptTimes == [0, 1, 2])
        #expect(try connection.send(.api("status")).text.hasPrefix("UP "))
    }

    /// A session on the simulator, its reconnects going through `opener`.
    private func session(_ simulator: Simulator, _ clock: FakeClock, _ opener: ScriptedOpener, _ output: CapturedOutput) throws -> Session {
        let settings = settings(port: simulator.port)
        let connection = try Connection.open(settings.connect)
        return Session(settings: settings, printer: output.printer, connection: connection, pacing: clock.pacing, open: opener.open)
    }

    @Test func reconnectDelaysDoubleFromOneSecondToThirty() throws {
        let simulator = try testSimulator()
        defer { simulator.stop() }
        let clock = FakeClock()
        let opener = ScriptedOpener(clock: clock, failures: Array(repeating: gone, count: 7))
        let output = CapturedOutput()
        let session = try session(simulator, clock, opener, output)
        defer { session.connection.close() }
        #expect(session.reconnect(maxAttempts: nil))
        // Waits of 1, 2, 4, 8, 16, 30, 30, 30 s before the attempts.
        #expect(opener.attemptTimes == [1, 3, 7, 15, 31, 61, 91, 121])
        // Slept in steps of 0.2 s, so that an interrupt is seen within one.
        #expect(Set(clock.sleeps) == [.milliseconds(200)])
        var expected = ""
        for attempt in 1...7 { expected += "eslsh: reconnect attempt \(attempt) failed: 127.0.0.1:9 closed the connection before asking for authentication\n" }
        expected += "eslsh: reconnected after 121.0 s — events in between were missed\n"
        #expect(output.stderr == expected)
    }

    @Test func reconnectMaxBoundsTheAttempts() throws {
        let simulator = try testSimulator()
        defer { simulator.stop() }
        let clock = FakeClock()
        let opener = ScriptedOpener(clock: clock, failures: Array(repeating: gone, count: 9))
        let output = CapturedOutput()
        let session = try session(simulator, clock, opener, output)
        defer { session.connection.close() }
        #expect(!session.reconnect(maxAttempts: 3))
        #expect(opener.attemptTimes == [1, 3, 7])
        #expect(output.stderr.split(separator: "\n").map { String($0.prefix(28)) } == Array(repeating: "eslsh: reconnect attempt 1 f", count: 1)
                + ["eslsh: reconnect attempt 2 f", "eslsh: reconnect attempt 3 f"])
    }

    @Test func reconnectStopsOnARejection() throws {
        let simulator = try testSimulator()
        defer { simulator.stop() }
        let clock = FakeClock()
        let opener = ScriptedOpener(clock: clock, failures: [gone, refused, gone])
        let output = CapturedOutput()
        let session = try session(simulator, clock, opener, output)
        defer { session.connection.close() }
        #expect(!session.reconnect(maxAttempts: nil))
        #expect(opener.attemptTimes == [1, 3])
        #expect(output.stderr == """
            eslsh: reconnect attempt 1 failed: 127.0.0.1:9 closed the connection before asking for authentication
            eslsh: reconnect attempt 2 failed: authentication failed at 127.0.0.1:9: -ERR invalid (wrong password or user?)

            """)
    }

    @Test func anInterruptEndsTheWaitWithinAStep() throws {
        let simulator = try testSimulator()
        defer { simulator.stop() }
        let clock = FakeClock()
        let opener = ScriptedOpener(clock: clock, failures: [gone])
        let output = CapturedOutput()
        let session = try session(simulator, clock, opener, output)
        defer { session.connection.close() }
        #expect(!session.reconnect(maxAttempts: nil, interrupted: { clock.seconds >= 2.1 }))
        #expect(opener.attemptTimes == [1])
        #expect(clock.seconds == 2.2)
    }

    @Test func theNewConnectionGetsTheRememberedSubscriptions() throws {
        let simulator = try testSimulator()
        defer { simulator.stop() }
        let clock = FakeClock()
        let opener = ScriptedOpener(clock: clock, failures: [])
        let output = CapturedOutput()
        let session = try session(simulator, clock, opener, output)
        #expect(try session.send(.event(.plain, ["CUSTOM", "eslsh::kit"])).text == "+OK event listener enabled plain")
        #expect(try session.send(.api("status")).text.hasPrefix("UP "))  // not state: not sent again
        let first = session.connection
        first.close()
        #expect(session.reconnect(maxAttempts: 1))
        #expect(session.connection !== first)
        defer { session.connection.close() }
        simulator.fire(Event(headers: Headers([Header("Event-Name", "CUSTOM"), Header("Event-Subclass", "eslsh::kit")])))
        let arrived = session.connection.inbound.next(until: .after(milliseconds: 5000))
        guard case .message(.event(let event, _))? = arrived else {
            Issue.record("no event after the reconnect: \(String(describing: arrived))")
            return
        }
        #expect(event["Event-Subclass"] == "eslsh::kit")
    }
}
