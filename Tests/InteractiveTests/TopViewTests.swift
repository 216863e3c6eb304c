import ESLProtocol
import ESLSimulator
import Foundation
import TestSupport
import Testing

/// `eslsh --top`, `/top` and `/trace` in a real terminal (tmux, TERM=screen: terminfo, not xterm)
/// against the simulator. Every step waits for what the screen shows.
@Suite(.serialized, .timeLimit(.minutes(1))) struct TopViewTests {
    /// `api uuid_kill` from another client, as a second operator would.
    static func kill(_ uuid: String, port: Int) throws {
        let client = try RawClient(port: port)
        client.send("auth ClueCon\n\napi uuid_kill \(uuid)\n\n")
        _ = try client.frames { $0.contains { $0.contentType == "api/response" } }
    }

    /// A simulator and `eslsh --top` against it, with the table's titles on the screen.
    static func startTop(columns: Int = 130, rows: Int = 24) throws -> (Simulator, TmuxTerminal) {
        let simulator = try testSimulator()
        let terminal = try TmuxTerminal(columns: columns, rows: rows)
        InteractiveConsoleTests.start(terminal, port: simulator.port, arguments: "--top")
        #expect(terminal.waitFor { $0.contains("calls 0  channels 0") && $0.contains("CALLER") && $0.contains("APPLICATION") }, "\(terminal.screen())")
        return (simulator, terminal)
    }

    static func rows(_ screen: String, _ text: String) -> Int {
        screen.split(separator: "\n").filter { $0.contains(text) }.count
    }

    @Test func rowsComeAndGoAndTheSelectedCallIsHungUpAfterTheQuestion() throws {
        let (simulator, terminal) = try Self.startTop()
        defer { simulator.stop() }
        _ = simulator.originate(destination: "7001")
        _ = simulator.originate(destination: "7002")
        #expect(terminal.waitFor { Self.rows($0, " 7001 ") >= 1 && Self.rows($0, " 7002 ") >= 1 }, "\(terminal.screen())")
        // Only 7001's rows; the question, then no: nothing happens.
        terminal.type("/7001")
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.contains("filter \"7001\"") && Self.rows($0, " 7002 ") == 0 }, "\(terminal.screen())")
        terminal.type("h")
        #expect(terminal.waitFor { $0.contains("Hang up ") && $0.contains("(y/n)") }, "\(terminal.screen())")
        terminal.type("n")
        #expect(terminal.waitFor { $0.contains("not hung up") && Self.rows($0, " 7001 ") >= 1 }, "\(terminal.screen())")
        // The question again, and yes: uuid_kill, and the call's rows leave.
        terminal.type("h")
        #expect(terminal.waitFor { $0.contains("(y/n)") })
        terminal.type("y")
        #expect(terminal.waitFor { $0.contains("uuid_kill") && $0.contains("+OK") }, "\(terminal.screen())")
        #expect(terminal.waitFor { Self.rows($0, " 7001 ") == 0 }, "\(terminal.screen())")
        // Esc clears the filter: the other call is still up.
        terminal.press("Escape")
        #expect(terminal.waitFor { Self.rows($0, " 7002 ") >= 1 && !$0.contains("filter \"") }, "\(terminal.screen())")
        // Narrower: the screen is laid out again for the new width.
        _ = try? terminal.tmux(["resize-window", "-x", "70", "-y", "20"], capture: false)
        #expect(terminal.waitFor { screen in
            screen.contains("CALLER") && !screen.contains("APPLICATION") && screen.split(separator: "\n").allSatisfy { $0.count <= 70 }
        }, "\(terminal.screen())")
        terminal.type("q")
        #expect(terminal.waitFor { $0.contains("EXIT=0\nSTTY-SAME") }, "\(terminal.screen())")
    }

    /// Enter opens the selected call's trace; the call hangs up and its end shows; q goes back.
    @Test func enterTracesTheSelectedCallAndSignalsRestoreTheTerminal() throws {
        let (simulator, terminal) = try Self.startTop()
        defer { simulator.stop() }
        let uuid = simulator.originate(destination: "7003")
        #expect(terminal.waitFor { Self.rows($0, " 7003 ") >= 1 }, "\(terminal.screen())")
        terminal.type("/" + String(uuid.prefix(8)))
        terminal.press("Enter")
        #expect(terminal.waitFor { Self.rows($0, " 7003 ") == 1 })
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.contains("trace \(uuid)") && $0.contains("q back") }, "\(terminal.screen())")
        try Self.kill(uuid, port: simulator.port)
        #expect(terminal.waitFor { $0.contains("CHANNEL_HANGUP") && $0.contains("call ended after") }, "\(terminal.screen())")
        terminal.type("q")
        #expect(terminal.waitFor { $0.contains("CALLER") && !$0.contains("q back") }, "\(terminal.screen())")
        // SIGTERM while the view is up: the terminal is given back all the same.
        let eslsh = try #require(terminal.shellChildren().first)
        Glibc.kill(eslsh, SIGTERM)
        #expect(terminal.waitFor { $0.contains("EXIT=0\nSTTY-SAME") }, "\(terminal.screen())")
    }

    /// `/top` in the console: the view, q, and the prompt back with the console's connection intact;
    /// `/trace` with Tab completing the live call's UUID, until the call is gone.
    @Test func slashTopAndSlashTraceInTheConsole() throws {
        let simulator = try testSimulator()
        defer { simulator.stop() }
        let terminal = try TmuxTerminal(columns: 140, rows: 30)
        InteractiveConsoleTests.start(terminal, port: simulator.port, arguments: "--log err")
        let prompt = InteractiveConsoleTests.prompt
        #expect(terminal.waitForLastLine(prompt))
        let uuid = simulator.originate(destination: "7004")
        terminal.type("/top")
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.contains("CALLER") && Self.rows($0, " 7004 ") >= 1 }, "\(terminal.screen())")
        terminal.type("q")
        #expect(terminal.waitForLastLine(prompt), "\(terminal.screen())")
        terminal.type("hostname")
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.contains("hostname\nvm\n") }, "\(terminal.screen())")
        terminal.type("/trace " + String(uuid.prefix(6)))
        terminal.press("Tab")
        #expect(terminal.waitFor { $0.contains("/trace \(uuid)") }, "\(terminal.screen())")
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.contains("Trace of \(uuid)") }, "\(terminal.screen())")
        try Self.kill(uuid, port: simulator.port)
        #expect(terminal.waitFor { $0.contains("CHANNEL_DESTROY") && $0.contains("— call ended after") }, "\(terminal.screen())")
        #expect(terminal.waitForLastLine(prompt), "\(terminal.screen())")
        terminal.press("C-d")
        #expect(terminal.waitFor { $0.contains("EXIT=0\nSTTY-SAME") })
    }
}
