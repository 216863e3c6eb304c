import ESLClient
import ESLProtocol
import ESLSimulator
import Foundation
import TestSupport
import Testing

/// Call control through the built binary: multi-line entries, executes followed to their outcome,
/// background jobs and the session commands, against the simulator.
@Suite(.timeLimit(.minutes(1))) struct CallControlScriptTests {
    /// Another client, subscribed to the test's custom events.
    static func subscriber(_ simulator: Simulator) throws -> Connection {
        let connection = try Connection.open(ConnectOptions(port: simulator.port))
        #expect(try connection.send(.event(.plain, ["CUSTOM", "eslsh::test"])).text == "+OK event listener enabled plain")
        return connection
    }

    static func nextEvent(_ connection: Connection) -> Event? {
        while let item = connection.inbound.next(until: .after(milliseconds: 5000)) {
            if case .message(.event(let event, _)) = item { return event }
        }
        return nil
    }

    @Test func aSendeventWithHeadersAndABodyArrivesWhole() throws {
        let simulator = try EslshTests.simulator()
        defer { simulator.stop() }
        let watcher = try Self.subscriber(simulator)
        defer { watcher.close() }
        let script = "/sendevent CUSTOM\nEvent-Subclass: eslsh::test\nX-Test: hello world: 100% ok\nX-Empty:\nContent-Length: 18\n\nline one\nline two\nhostname\n"
        let run = try EslshTests.run(["-P", "\(simulator.port)"], stdin: script)
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 2)
        #expect(lines.first?.hasPrefix("+OK ") == true)
        #expect(lines.last == "vm")
        let event = try #require(Self.nextEvent(watcher))
        #expect(event.name == "CUSTOM")
        #expect(event.subclass == "eslsh::test")
        #expect(event["X-Test"] == "hello world: 100% ok")
        #expect(event["Event-UUID"] == String(lines[0].dropFirst(4)))
        #expect(event.body == "line one\nline two\n")
    }

    /// `-x` values are lines: the headers follow in the next values, up to an empty one or the last.
    @Test func aSendeventFromExecuteOptions() throws {
        let simulator = try EslshTests.simulator()
        defer { simulator.stop() }
        let watcher = try Self.subscriber(simulator)
        defer { watcher.close() }
        let run = try EslshTests.run(["-P", "\(simulator.port)", "-x", "/sendevent CUSTOM", "-x", "Event-Subclass: eslsh::test",
                                      "-x", "X-From: -x", "-x", "", "-x", "version short"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.hasSuffix("\n1.11.3\n"))
        let event = try #require(Self.nextEvent(watcher))
        #expect(event["X-From"] == "-x")
        #expect(event.body == nil)
    }

    /// A broken entry leaves its end unknown: the rest of the script must not run as commands.
    @Test func aBrokenEntryStopsTheScript() throws {
        let simulator = try EslshTests.simulator()
        defer { simulator.stop() }
        let run = try EslshTests.run(["-P", "\(simulator.port)"], stdin: "/sendevent CUSTOM\nEvent-Subclass: eslsh::test\nnot a header\nhupall\n\nhostname\n")
        #expect(run.status == 1)
        #expect(run.stderr == "eslsh: not a header line (Name: value): 'not a header'; the rest of the script is not run\n")
        #expect(run.stdout.isEmpty)
        // A carriage return inside a header value could end the line on the wire: refused, nothing sent.
        let smuggled = try EslshTests.run(["-P", "\(simulator.port)"], stdin: "/sendevent CUSTOM\nX-Note: a\rapi hupall\n\nhostname\n")
        #expect(smuggled.status == 1)
        #expect(smuggled.stderr == "eslsh: header X-Note contains a line break; refusing to send it; the rest of the script is not run\n")
        #expect(smuggled.stdout.isEmpty)
        let short = try EslshTests.run(["-P", "\(simulator.port)"], stdin: "/sendevent CUSTOM\nContent-Length: 50\n\nshort body\n")
        #expect(short.status == 1)
        #expect(short.stderr.contains("the input ended after 11 of the 50 body bytes"))
    }

    /// A sendmsg typed header by header is the same command as /execute (and followed the same way).
    @Test func aSendmsgEntryRunsAnApplication() throws {
        let simulator = try EslshTests.simulator()
        defer { simulator.stop() }
        let uuid = simulator.originate(destination: "9196")
        let script = "/sendmsg \(uuid)\ncall-command: execute\nexecute-app-name: playback\nEvent-UUID: 11111111-2222-3333-4444-555555555555\ncontent-type: text/plain\nContent-Length: 12\n\n/tmp/a b.wav\n"
        let run = try EslshTests.run(["-P", "\(simulator.port)"], stdin: script)
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "+OK")
        #expect(lines.dropFirst().first?.hasPrefix("[playback /tmp/a b.wav on \(uuid.prefix(8))] done in ") == true, "\(run.stdout)")
    }

    /// `park` returns only when the call leaves it: `-t` bounds the wait for its outcome.
    @Test func anApplicationStillRunningAfterTheTimeoutIsReported() throws {
        let simulator = try EslshTests.simulator()
        defer { simulator.stop() }
        let uuid = simulator.originate(destination: "9196")
        let run = try EslshTests.run(["-P", "\(simulator.port)", "-t", "300ms", "-x", "/execute \(uuid) park", "-x", "/hangup \(uuid)"])
        #expect(run.stdout == "+OK\n+OK\n")
        #expect(run.stderr == "eslsh: park on \(uuid) still running after the reply timeout; not waiting for it\n")
        #expect(run.status == 5)
    }

    /// Job results come through the private connection: even after /myevents locked this one onto a call.
    @Test func jobsReportAfterMyeventsLockedTheConnection() throws {
        let simulator = try EslshTests.simulator()
        defer { simulator.stop() }
        let uuid = simulator.originate(destination: "9196")
        let run = try EslshTests.run(["-P", "\(simulator.port)", "-x", "/myevents \(uuid) json", "-x", "/bg version short", "-x", "bgapi hostname"])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 5)
        #expect(lines[0] == "+OK Events Enabled")
        #expect(lines[1].hasPrefix("+OK Job-UUID: ") && lines[2].hasPrefix("+OK Job-UUID: "))
        #expect(Array(lines[3...]) == ["1.11.3", "vm"])
    }

    /// Inbound, the outbound-session commands get the switch's refusals (as in the captures); myevents
    /// is sent uuid first, as the switch wants, even when typed in the protocol document's order.
    @Test func sessionCommandsAnswerAsTheSwitchDoes() throws {
        let simulator = try EslshTests.simulator()
        defer { simulator.stop() }
        let uuid = simulator.originate(destination: "9196")
        let run = try EslshTests.run(["-P", "\(simulator.port)", "-x", "/divert_events on", "-x", "/linger 5", "-x", "/nolinger",
                                      "-x", "/myevents plain \(uuid)", "-x", "/myevents \(uuid) plain", "-x", "/myevents \(uuid) yaml"])
        #expect(run.stdout == "-ERR not controlling a session.\n-ERR not controlling a session\n-ERR not controlling a session\n"
                + "+OK Events Enabled\n-ERR aready enabled.\n")
        #expect(run.stderr.hasSuffix("eslsh: /myevents: the format is plain, json or xml, not yaml\n"))
        #expect(run.status == 1)
    }

    /// After myevents the script sees that call's events, and the connection ends with the call.
    @Test func myeventsFollowsOneCallToItsEnd() throws {
        let simulator = try EslshTests.simulator()
        defer { simulator.stop() }
        let uuid = simulator.originate(destination: "9196")
        let other = simulator.originate(destination: "1000")
        let run = try EslshTests.run(["-P", "\(simulator.port)", "--color", "never"],
                                     stdin: "/myevents \(uuid)\nuuid_kill \(other)\n/hangup \(uuid) USER_BUSY\napi msleep 2000\n")
        #expect(run.stdout.contains("CHANNEL_HANGUP_COMPLETE loopback/9196-a USER_BUSY"), "\(run.stdout)")
        #expect(!run.stdout.contains("loopback/1000"))
        #expect(run.stderr.contains("server closed the connection: Disconnected, goodbye."))
    }
}
