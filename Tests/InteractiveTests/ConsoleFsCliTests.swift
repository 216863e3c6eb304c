import ESLClient
import ESLProtocol
import ESLSimulator
import Foundation
import TestSupport
import Testing

/// The console with fs_cli's options and habits: -i, -Q, -s, F-keys and the prompt from the profile,
/// Ctrl-C under a wrapper script.
extension InteractiveConsoleTests {
    /// fs_cli's -i: Ctrl-C at the prompt exits (130); -Q: no history file is written; -s starts
    /// with the UUID log filter.
    @Test(arguments: [("-i -Q", "-s"), ("--interrupt --no-history-file", "--set-log-uuid")])
    func interruptExitsAndNoHistoryFile(options: String, setUUID: String) throws {
        let (simulator, terminal) = try Self.startedConsole(arguments: "\(options) \(setUUID) 0000")
        defer { simulator.stop() }
        simulator.log(LogLine(level: 3, userData: "1111", text: "2026-11-27 10:00:00.000000 99.00% [ERR] test.c:1 another call\n"))
        simulator.log(LogLine(level: 3, userData: "0000", text: "2026-11-27 10:00:00.000000 99.00% [ERR] test.c:1 the call asked for\n"))
        #expect(terminal.waitFor { $0.contains("the call asked for") })
        #expect(!terminal.screen().contains("another call"))
        terminal.type("hostname")
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.contains("hostname\nvm\n") })
        terminal.press("C-c")
        #expect(terminal.waitFor { $0.contains("Interrupted.\nEXIT=130\nSTTY-SAME") }, "\(terminal.screen())")
        #expect(!FileManager.default.fileExists(atPath: terminal.home + "/.local/state/eslsh/history"))
    }

    /// fs_cli's key_toggle_Fn: presses of Fn alternate between key_Fn's line and the toggle's;
    /// prompt-string from the profile.
    @Test func functionKeyTogglesAndPromptStringFromTheProfile() throws {
        let simulator = try Self.simulator()
        defer { simulator.stop() }
        let terminal = try TmuxTerminal()
        let config = terminal.home + "/fs_cli.conf"
        try "[default]\nport => \(simulator.port)\nkey_F2 => hostname\nkey_toggle_F2 => version short\nprompt-string => toggles@%s\n"
            .write(toFile: config, atomically: true, encoding: .utf8)
        terminal.type("ESLSH_CONFIG=\(config) \(Self.binary) --color never; echo \"EXIT=$?\"")
        terminal.press("Enter")
        #expect(terminal.waitForLastLine("toggles@vm>"))
        terminal.press("F2")
        #expect(terminal.waitFor { $0.contains("toggles@vm> hostname\nvm\n") })
        terminal.press("F2")
        #expect(terminal.waitFor { $0.contains("toggles@vm> version short\n1.11.3\n") })
        terminal.press("F2")
        #expect(terminal.waitFor { $0.components(separatedBy: "toggles@vm> hostname\nvm\n").count == 3 })
        terminal.press("C-d")
        #expect(terminal.waitFor { $0.contains("EXIT=0") })
    }

    /// Run from a shell without job control (`make demo`, a wrapper script), Ctrl-C at the prompt is the
    /// console's alone: the wrapper never sees it, and its status is eslsh's.
    @Test func ctrlCAtThePromptDoesNotReachAWrapperScript() throws {
        let simulator = try Self.simulator()
        defer { simulator.stop() }
        let terminal = try TmuxTerminal()
        terminal.type("bash -c 'trap \"echo WRAPPER-GOT-INT\" INT; \(Self.binary) -P \(simulator.port) --color never; echo WRAPPER-AFTER=$?'")
        terminal.press("Enter")
        #expect(terminal.waitForLastLine(Self.prompt))
        terminal.press("C-c")
        terminal.type("hostname")
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.contains("hostname\nvm\n") })
        terminal.press("C-d")
        // A line of its own: the typed command line holds the text `WRAPPER-AFTER=` too.
        #expect(terminal.waitFor { $0.split(separator: "\n").contains { $0.hasPrefix("WRAPPER-AFTER=") } })
        #expect(terminal.screen().split(separator: "\n").contains("WRAPPER-AFTER=0"), "\(terminal.screen())")
        #expect(!terminal.screen().split(separator: "\n").contains("WRAPPER-GOT-INT"))
        // The terminal is the shell's again: it reads and runs the next line.
        terminal.type("echo SHELL-HAS-TERMINAL")
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.contains("\nSHELL-HAS-TERMINAL") })
    }
}
