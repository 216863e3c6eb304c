import ESLClient
import ESLProtocol
import ESLSimulator
import Foundation
import TestSupport
import Testing

/// Call control in the console, in a real terminal: multi-line entries, background jobs, executes and
/// their outcome, and completion of live channels, applications and causes.
@Suite(.serialized, .timeLimit(.minutes(1))) struct CallControlConsoleTests {
    static let prompt = InteractiveConsoleTests.prompt

    /// The console started, with log lines off so the screen holds only what the test looks at.
    static func console(_ simulator: Simulator) throws -> TmuxTerminal {
        let terminal = try TmuxTerminal(columns: 120, rows: 50)
        InteractiveConsoleTests.start(terminal, port: simulator.port)
        #expect(terminal.waitForLastLine(prompt))
        enter(terminal, "/nolog")
        #expect(terminal.waitFor { $0.contains("+OK no longer logging") })
        return terminal
    }

    static func enter(_ terminal: TmuxTerminal, _ line: String) {
        terminal.type(line)
        terminal.press("Enter")
    }

    static func leave(_ terminal: TmuxTerminal) {
        terminal.press("C-u", "C-d")
        #expect(terminal.waitFor { $0.contains("EXIT=0\nSTTY-SAME") })
    }

    static func subscriber(_ simulator: Simulator) throws -> Connection {
        let connection = try Connection.open(ConnectOptions(port: simulator.port))
        _ = try connection.send(.event(.plain, ["CUSTOM", "eslsh::test"]))
        return connection
    }

    static func nextEvent(_ connection: Connection) -> Event? {
        while let item = connection.inbound.next(until: .after(milliseconds: 5000)) {
            if case .message(.event(let event, _)) = item { return event }
        }
        return nil
    }

    @Test func aSendeventTypedLineByLineArrivesWholeAndCtrlCAbandonsOne() throws {
        let simulator = try EslshTests_simulator()
        defer { simulator.stop() }
        let watcher = try Self.subscriber(simulator)
        defer { watcher.close() }
        let terminal = try Self.console(simulator)

        // Abandoned half way: nothing is sent.
        Self.enter(terminal, "/sendevent CUSTOM")
        #expect(terminal.waitForLastLine("sendevent>"))
        Self.enter(terminal, "Event-Subclass: eslsh::test")
        Self.enter(terminal, "X-Seq: abandoned")
        #expect(terminal.waitForLastLine("sendevent>"))
        terminal.press("C-c")
        #expect(terminal.waitFor { $0.contains("Abandoned; nothing was sent.\n\(Self.prompt)") })

        Self.enter(terminal, "/sendevent CUSTOM")
        Self.enter(terminal, "Event-Subclass: eslsh::test")
        Self.enter(terminal, "X-Seq: sent")
        Self.enter(terminal, "not a header")
        #expect(terminal.waitFor { $0.contains("not a header line (Name: value): 'not a header'; not added") })
        Self.enter(terminal, "X-Test: hello world: 100% ok")
        Self.enter(terminal, "")
        #expect(terminal.waitForLastLine("body>"))
        Self.enter(terminal, "line one")
        Self.enter(terminal, "line two")
        Self.enter(terminal, ".")
        #expect(terminal.waitFor { $0.contains("body> .\n+OK ") && $0.hasSuffix(Self.prompt) })

        let event = try #require(Self.nextEvent(watcher))
        #expect(event["X-Seq"] == "sent", "the abandoned entry was not sent")
        #expect(event.subclass == "eslsh::test")
        #expect(event["X-Test"] == "hello world: 100% ok")
        #expect(event.body == "line one\nline two\n")
        Self.leave(terminal)
    }

    @Test func bgShowsItsResultWithoutSubscribingAndNotOtherClientsJobs() throws {
        let simulator = try EslshTests_simulator()
        defer { simulator.stop() }
        let terminal = try Self.console(simulator)
        Self.enter(terminal, "/bg status")
        #expect(terminal.waitFor { $0.contains("\n+OK Job-UUID: ") })
        #expect(terminal.waitFor { $0.contains("status] done in ") && $0.contains("\nUP 0 years") })
        // Another client's job: its BACKGROUND_JOB reaches the watcher but is not ours.
        let other = try Connection.open(ConnectOptions(port: simulator.port))
        defer { other.close() }
        _ = try other.send(.bgapi("echo other-clients-job"))
        Self.enter(terminal, "bgapi version short")
        #expect(terminal.waitFor { $0.contains("version short] done in ") && $0.contains("\n1.11.3\n") })
        #expect(!terminal.everything().contains("other-clients-job"))
        Self.enter(terminal, "/jobs")
        #expect(terminal.waitFor { $0.contains("/jobs\nNo background jobs or applications pending.\n") })
        Self.leave(terminal)
    }

    @Test func executeShowsItsOutcomeAndTabCompletesChannelsApplicationsAndCauses() throws {
        let simulator = try EslshTests_simulator()
        defer { simulator.stop() }
        let uuid = simulator.originate(destination: "9196")
        let short = String(uuid.prefix(8))
        let terminal = try Self.console(simulator)

        terminal.type("/execute \(short)")
        terminal.press("Tab")
        #expect(terminal.waitForLastLine("\(Self.prompt) /execute \(uuid)"))
        terminal.type("playb")
        terminal.press("Tab")
        #expect(terminal.waitForLastLine("\(Self.prompt) /execute \(uuid) playback"))
        Self.enter(terminal, "/tmp/hello.wav")
        #expect(terminal.waitFor { $0.contains("playback /tmp/hello.wav\n+OK\n") })
        #expect(terminal.waitFor { $0.contains("[playback /tmp/hello.wav on \(short)] done in ") })

        terminal.type("/hangup \(short)")
        terminal.press("Tab")
        terminal.type("USER_B")
        terminal.press("Tab")
        #expect(terminal.waitForLastLine("\(Self.prompt) /hangup \(uuid) USER_BUSY"))
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.contains("USER_BUSY\n+OK\n") })
        // A new call's CHANNEL_CREATE (seen by the console's watcher) makes the cached list stale at once.
        let second = simulator.originate(destination: "1000")
        terminal.type("uuid_kill \(second.prefix(8))")
        terminal.press("Tab")
        #expect(terminal.waitForLastLine("\(Self.prompt) uuid_kill \(second)"))
        Self.leave(terminal)
    }
}

extension CallControlConsoleTests {
    /// An application that outlives the command: listed by /jobs while it runs, its end shown later.
    @Test func jobsListsARunningApplicationUntilItsCallEnds() throws {
        let simulator = try EslshTests_simulator()
        defer { simulator.stop() }
        let uuid = simulator.originate(destination: "9196")
        let short = String(uuid.prefix(8))
        let terminal = try Self.console(simulator)
        Self.enter(terminal, "/execute \(uuid) park")
        #expect(terminal.waitFor { $0.contains("[park on \(short)] started\n") })
        Self.enter(terminal, "/jobs")
        #expect(terminal.waitFor { $0.contains(" ago  park on \(short) (running)\n") })
        Self.enter(terminal, "/hangup \(uuid)")
        #expect(terminal.waitFor { $0.contains("[park on \(short)] done in ") })
        Self.enter(terminal, "/jobs")
        #expect(terminal.waitFor { $0.hasSuffix("/jobs\nNo background jobs or applications pending.\n\(Self.prompt)") })
        Self.leave(terminal)
    }
}

private func EslshTests_simulator() throws -> Simulator { try testSimulator() }
