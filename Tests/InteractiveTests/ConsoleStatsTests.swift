import ESLClient
import ESLProtocol
import ESLSimulator
import Foundation
import TestSupport
import Testing

/// `/stats` in the console, in a tmux terminal against the simulator and its call generator.
@Suite(.serialized, .timeLimit(.minutes(1))) struct ConsoleStatsTests {
    @Test func statsLinesUntilCtrlCThenThePromptAgain() throws {
        let simulator = try testSimulator { $0.callInterval = .milliseconds(200); $0.callDuration = .milliseconds(600) }
        defer { simulator.stop() }
        let terminal = try TmuxTerminal(columns: 160, rows: 40)
        // Log lines up to err only: the generated calls' debug lines would scroll the screen.
        InteractiveConsoleTests.start(terminal, port: simulator.port, arguments: "--log err")
        let prompt = InteractiveConsoleTests.prompt
        #expect(terminal.waitForLastLine(prompt))
        terminal.type("/stats")
        terminal.press("Enter")
        // Two lines with calls and events counted.
        #expect(terminal.waitFor { screen in
            screen.contains(" calls chans sess/s idle%   ev/s")
                && screen.split(separator: "\n").filter { $0.contains("CHANNEL_") && $0.contains("97.5") }.count >= 2
        }, "\(terminal.screen())")
        terminal.press("C-c")
        #expect(terminal.waitForLastLine(prompt), "\(terminal.screen())")
        // The console's connection still answers, and its subscriptions were never touched.
        terminal.type("hostname")
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.contains("hostname\nvm\n") }, "\(terminal.screen())")
        terminal.press("C-d")
        #expect(terminal.waitFor { $0.contains("EXIT=0\nSTTY-SAME") })
    }

    /// `--record` in the console: what the console received (its log reply, an API answer) is in the file.
    @Test func theConsoleRecords() throws {
        let simulator = try testSimulator()
        defer { simulator.stop() }
        let path = NSTemporaryDirectory() + "eslsh-console-\(UUID().uuidString).ndjson"
        defer { unlink(path) }
        let terminal = try TmuxTerminal()
        InteractiveConsoleTests.start(terminal, port: simulator.port, arguments: "--record \(path)")
        let prompt = InteractiveConsoleTests.prompt
        #expect(terminal.waitForLastLine(prompt))
        terminal.type("hostname")
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.contains("hostname\nvm\n") })
        terminal.press("C-d")
        #expect(terminal.waitFor { $0.contains("EXIT=0\nSTTY-SAME") })
        let frames = try RecordingReader.readAll(path: path)
        // switchname and hostname for the prompt, the startup `log`, then the typed hostname.
        #expect(frames.map { $0.frame.contentType ?? "" } == ["api/response", "api/response", "command/reply", "api/response"])
        #expect(frames.last?.frame.bodyText == "vm")
    }
}
