import ESLProtocol
import ESLSimulator
import Foundation
import TestSupport
import Testing

/// Issue 14, class 5, in the console: a caller name and a log line that would clear the screen,
/// write the clipboard and paint over the line are shown as escapes on a real terminal (tmux), and
/// `--escape never` does not change that (the console always escapes).
@Suite(.serialized, .timeLimit(.minutes(1))) struct ConsoleTerminalSafetyTests {
    @Test func eventsAndLogLinesReachTheScreenEscaped() throws {
        let (simulator, terminal) = try InteractiveConsoleTests.startedConsole(arguments: "--escape never")
        defer { simulator.stop() }
        terminal.type("/event plain CHANNEL_CREATE")
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.contains("+OK event listener enabled plain") }, "\(terminal.screen())")
        simulator.fire(Event(name: "CHANNEL_CREATE", headers: [
            Header("Unique-ID", "8f7a2f6e-0000-4000-8000-000000000001"), Header("Channel-Name", "sofia/internal/1000"),
            Header("Caller-Caller-ID-Name", "Mallory\u{1B}]52;c;ZWNobyBwd25lZA==\u{07}\u{1B}[2J\u{9B}31mX\rFAKE"),
            Header("Caller-Caller-ID-Number", "1000"), Header("Caller-Destination-Number", "9196"),
        ]))
        simulator.log(LogLine(level: 7, text: "progress 10%\rOVERWRITTEN \u{1B}[1A\u{1B}[2K\n"))
        let caller = #"Mallory\x1B]52;c;ZWNobyBwd25lZA==\x07\x1B[2J\x9B31mX\rFAKE <1000> → 9196"#
        #expect(terminal.waitFor { $0.contains(caller) }, "\(terminal.screen())")
        #expect(terminal.waitFor { $0.contains(#"progress 10%\rOVERWRITTEN \x1B[1A\x1B[2K"#) }, "\(terminal.screen())")
        // Nothing was cleared: the reply above is still on the screen, and the clipboard is untouched.
        #expect(terminal.screen().contains("+OK event listener enabled plain"))
        #expect(((try? terminal.tmux(["show-buffer"])) ?? "").isEmpty)
        terminal.type("/exit")
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.contains("EXIT=0") })
    }
}
