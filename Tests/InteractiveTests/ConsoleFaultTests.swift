import ESLProtocol
import ESLSimulator
import Foundation
import TestSupport
import Testing

/// Faults while the console runs: the switch going away and signals, at the prompt, while a command
/// waits and while events stream. Every time: a clear message, the documented exit code, and the
/// terminal settings exactly as before.
@Suite(.serialized, .timeLimit(.minutes(2))) struct ConsoleFaultTests {
    enum State: String, CaseIterable, Sendable { case idle, waiting, streaming }

    static let prompt = InteractiveConsoleTests.prompt

    /// A console in the given state against a simulator that makes calls now and then.
    static func console(in state: State) throws -> (Simulator, TmuxTerminal) {
        // Calls (and their log lines) only where events must stream: elsewhere they would scroll the
        // screen the test reads.
        let msleepArrived = Gate()
        let simulator = try testSimulator { configuration in
            configuration.onAPI = { line in if line.hasPrefix("msleep") { msleepArrived.open() } }
            if state == .streaming {
                configuration.callInterval = .milliseconds(50)
                configuration.callDuration = .milliseconds(100)
            }
        }
        let terminal = try TmuxTerminal()
        InteractiveConsoleTests.start(terminal, port: simulator.port, arguments: "--no-history")
        #expect(terminal.waitForLastLine(prompt))
        switch state {
        case .idle:
            terminal.type("half typed")
            // A signal overtakes keys still unread: wait until the line is on the screen.
            #expect(terminal.waitForLastLine("\(prompt) half typed"))
        case .waiting:
            terminal.type("msleep 2000")
            #expect(terminal.waitForLastLine("\(prompt) msleep 2000"))
            terminal.press("Enter")
            #expect(msleepArrived.wait(), "msleep never reached the switch")
        case .streaming:
            terminal.type("/event plain CHANNEL_CREATE")
            terminal.press("Enter")
            #expect(terminal.waitFor { $0.contains("CHANNEL_CREATE") })
        }
        return (simulator, terminal)
    }

    @Test(arguments: State.allCases)
    func theSwitchGoesAway(state: State) throws {
        let (simulator, terminal) = try Self.console(in: state)
        simulator.stop()
        // A hang check: the message comes within milliseconds.
        #expect(terminal.waitFor { $0.contains("eslsh: connection closed by 127.0.0.1:") })
        #expect(terminal.waitFor { $0.contains("EXIT=6\nSTTY-SAME") }, "\(terminal.screen())")
    }

    @Test(arguments: [(State.idle, SIGTERM), (.waiting, SIGTERM), (.streaming, SIGTERM), (.idle, SIGHUP), (.waiting, SIGHUP), (.streaming, SIGHUP)])
    func terminatingSignals(state: State, signal: Int32) throws {
        let (simulator, terminal) = try Self.console(in: state)
        defer { simulator.stop() }
        let children = terminal.shellChildren()
        #expect(children.count == 1)
        for pid in children { kill(pid, signal) }
        #expect(terminal.waitFor { $0.contains("\nEXIT=0\nSTTY-SAME") }, "\(terminal.screen())")
    }

    /// SIGINT from outside is Ctrl-C: the typed line is dropped or the waiting command cancelled, and
    /// the console goes on.
    @Test(arguments: State.allCases)
    func interruptKeepsTheConsole(state: State) throws {
        let (simulator, terminal) = try Self.console(in: state)
        defer { simulator.stop() }
        for pid in terminal.shellChildren() { kill(pid, SIGINT) }
        #expect(terminal.waitFor { $0.hasSuffix(Self.prompt) || $0.hasSuffix(Self.prompt + " ") }, "\(terminal.screen())")
        if state == .streaming {
            terminal.type("/noevents")
            terminal.press("Enter")
            // The scroll-back: events and log lines already queued before the reply may scroll it off.
            #expect(terminal.waitFor { _ in terminal.everything().contains("+OK no longer listening for events") }, "\(terminal.screen())")
        }
        terminal.type("hostname")
        terminal.press("Enter")
        // The whole scroll-back: while events stream, log lines may have pushed the answer off the screen.
        #expect(terminal.waitFor { _ in terminal.everything().contains("\nvm\n") }, "\(terminal.screen())")
        terminal.type("/exit")
        terminal.press("Enter")
        #expect(terminal.waitFor { _ in terminal.everything().contains("\nEXIT=0\nSTTY-SAME") }, "\(terminal.screen())")
    }
}
