import ESLProtocol
import ESLSimulator
import Foundation
import TestSupport
import Testing

/// Profile keys that shape the console, through the file as a user writes it (`key = value`, eslsh's
/// habit, or fs_cli's `key => value`): quiet, history / no-history-file, color, loglevel, prompt-string.
@Suite(.serialized, .timeLimit(.minutes(2))) struct ConsoleProfileTests {
    /// The console started with a profile of `[default]`, the simulator's port and `lines`; at its prompt.
    static func console(_ lines: String, prompt: String = InteractiveConsoleTests.prompt) throws -> (Simulator, TmuxTerminal) {
        let simulator = try testSimulator()
        let terminal = try TmuxTerminal()
        let config = terminal.home + "/config"
        try "[default]\nport => \(simulator.port)\n\(lines)".write(toFile: config, atomically: true, encoding: .utf8)
        chmod(config, 0o600)
        terminal.type("ESLSH_CONFIG=\(config) \(InteractiveConsoleTests.binary); echo \"EXIT=$?\"")
        terminal.press("Enter")
        #expect(terminal.waitForLastLine(prompt), "\(terminal.screen())")
        return (simulator, terminal)
    }

    static func command(_ terminal: TmuxTerminal, _ line: String, answer: String, prompt: String = InteractiveConsoleTests.prompt) {
        terminal.type(line)
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.hasSuffix("\(prompt) \(line)\n\(answer)\n\(prompt)") }, "\(terminal.screen())")
    }

    /// fs_cli's `quiet`: no `log` at start, so the switch sends no log lines; without it, it does.
    @Test(arguments: [("quiet => yes\n", 0), ("quiet = no\n", 1), ("", 1)])
    func quietSendsNoLogAtStart(lines: String, loggingSessions: Int) throws {
        let (simulator, terminal) = try Self.console(lines)
        defer { simulator.stop() }
        // The startup `log` goes before the prompt; a command answered after it shows it was handled.
        Self.command(terminal, "hostname", answer: "vm")
        #expect(simulator.loggingSessions == loggingSessions)
        terminal.press("C-d")
        #expect(terminal.waitFor { $0.contains("EXIT=0") }, "\(terminal.screen())")
    }

    /// eslsh's `history` and fs_cli's `no-history-file`: no history file is read or written.
    @Test(arguments: [("history = no\n", false), ("no-history-file => true\n", false), ("history => yes\n", true)])
    func historyKeys(lines: String, kept: Bool) throws {
        let (simulator, terminal) = try Self.console(lines)
        defer { simulator.stop() }
        Self.command(terminal, "hostname", answer: "vm")
        terminal.press("C-d")
        #expect(terminal.waitFor { $0.contains("EXIT=0") }, "\(terminal.screen())")
        let path = terminal.home + "/.local/state/eslsh/history"
        if kept {
            #expect(waitForFile(path, containing: "hostname"), "no history in \(path)")
        } else {
            #expect(!FileManager.default.fileExists(atPath: path))
        }
    }

    /// `color`: never leaves the screen without a single escape sequence; always paints (the
    /// greeting is dim, the prompt bold blue).
    @Test(arguments: [("color = never\n", false), ("color => always\n", true)])
    func colorKey(lines: String, painted: Bool) throws {
        let (simulator, terminal) = try Self.console(lines)
        defer { simulator.stop() }
        Self.command(terminal, "hostname", answer: "vm")
        let screen = terminal.screenWithEscapes()
        if painted {
            #expect(screen.contains("\u{1B}[1m\u{1B}[34mfreeswitch@vm>"), "\(screen.debugDescription)")
        } else {
            #expect(!screen.contains("\u{1B}["), "\(screen.debugDescription)")
        }
        terminal.press("C-d")
        #expect(terminal.waitFor { $0.contains("EXIT=0") }, "\(terminal.screen())")
    }

    /// `loglevel`: the console's `log` at start asks for that level, and lines above it never come (the
    /// info line is sent first: on the one connection it would arrive before the error line).
    @Test func loglevelKey() throws {
        let (simulator, terminal) = try Self.console("loglevel = err\n")
        defer { simulator.stop() }
        #expect(terminal.waitFor { $0.contains("+OK log level err [3]\n") }, "\(terminal.screen())")
        simulator.log(LogLine(level: 6, text: "an info line\n"))
        simulator.log(LogLine(level: 3, text: "an error line\n"))
        #expect(terminal.waitFor { $0.contains("an error line") }, "\(terminal.screen())")
        #expect(!terminal.everything().contains("an info line"))
        terminal.press("C-d")
        #expect(terminal.waitFor { $0.contains("EXIT=0") }, "\(terminal.screen())")
    }

    /// `prompt-string` in eslsh's `=` habit (ConsoleFsCliTests has fs_cli's `=>`).
    @Test func promptStringKey() throws {
        let (simulator, terminal) = try Self.console("prompt-string = mine@%s\n", prompt: "mine@vm>")
        defer { simulator.stop() }
        Self.command(terminal, "hostname", answer: "vm", prompt: "mine@vm>")
        terminal.press("C-d")
        #expect(terminal.waitFor { $0.contains("EXIT=0") }, "\(terminal.screen())")
    }
}
