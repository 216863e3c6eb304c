import ESLClient
import ESLProtocol
import ESLSimulator
import Foundation
import TestSupport
import Testing

/// The console as a user meets it: the built eslsh binary in a tmux terminal, against the simulator.
@Suite(.serialized, .timeLimit(.minutes(1))) struct InteractiveConsoleTests {
    static let binary = builtBinary("eslsh")

    static func simulator() throws -> Simulator { try testSimulator() }

    /// Starts eslsh in the terminal; after it ends the shell prints its exit status and whether the
    /// terminal settings are what they were before.
    static func start(_ terminal: TmuxTerminal, port: Int, arguments: String = "") {
        terminal.type("S1=$(stty -g); \(binary) -P \(port) --color never \(arguments); "
                      + "echo \"EXIT=$?\"; [ \"$S1\" = \"$(stty -g)\" ] && echo STTY-SAME || echo STTY-DIFF")
        terminal.press("Enter")
    }

    static let prompt = "freeswitch@vm>"

    /// A simulator and the console against it, at its prompt.
    static func startedConsole(arguments: String = "") throws -> (Simulator, TmuxTerminal) {
        let simulator = try Self.simulator()
        let terminal = try TmuxTerminal()
        start(terminal, port: simulator.port, arguments: arguments)
        #expect(terminal.waitForLastLine(prompt))
        return (simulator, terminal)
    }

    @Test func promptFromSwitchnameAndACommand() throws {
        let simulator = try Self.simulator()
        defer { simulator.stop() }
        let terminal = try TmuxTerminal()
        Self.start(terminal, port: simulator.port)
        #expect(terminal.waitForLastLine(Self.prompt))
        terminal.type("hostname")
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.hasSuffix("\(Self.prompt) hostname\nvm\n\(Self.prompt) ") || $0.hasSuffix("\(Self.prompt) hostname\nvm\n\(Self.prompt)") })
        terminal.press("C-d")
        #expect(terminal.waitFor { $0.contains("\nSTTY-") })
        #expect(terminal.screen().contains("EXIT=0\nSTTY-SAME"))
    }

    @Test func typingWhileLogLinesStreamKeepsThePromptAndTheTypedText() throws {
        try typeWhileStreaming(columns: 80, typed: "echo typed while logs streamed 42")
    }

    /// The typed line wraps over three rows of a 40-column terminal; redraws must not leave debris.
    @Test func longWrappedInputIsRedrawnIntact() throws {
        try typeWhileStreaming(columns: 40, typed: "echo a long line that wraps over more than two rows of this narrow terminal 7")
    }

    /// Prompt (15) plus input (65) fill exactly two rows: the cursor sits on the edge where terminals differ.
    @Test func inputEndingExactlyAtTheRightMarginIsRedrawnIntact() throws {
        let typed = "echo " + String(repeating: "x", count: 59) + "7"
        #expect(("freeswitch@vm> " + typed).count == 80)
        try typeWhileStreaming(columns: 40, typed: typed)
    }

    private func typeWhileStreaming(columns: Int, typed: String) throws {
        let simulator = try Self.simulator()
        defer { simulator.stop() }
        let terminal = try TmuxTerminal(columns: columns, rows: 50)
        Self.start(terminal, port: simulator.port)
        #expect(terminal.waitForLastLine(Self.prompt))
        let streamer = Thread {
            for number in 1...100 {
                simulator.log(LogLine(level: 7, text: "2026-11-27 10:00:00.000000 99.00% [DEBUG] test.c:1 streamed line \(number)\n"))
                usleep(3000)
            }
        }
        streamer.start()
        for character in typed {
            terminal.type(String(character))
            usleep(8000)
        }
        #expect(terminal.waitFor { $0.contains("streamed line 100\n") })
        #expect(terminal.waitForLastLine("\(Self.prompt) \(typed)"), "prompt and typed text intact: \(terminal.screen())")
        // Every streamed line arrived whole, on its own row, and the prompt was never left behind.
        let all = terminal.everything().split(separator: "\n").map { line in
            var line = String(line)
            while line.last == " " { line.removeLast() }
            return line
        }
        let rows = Set(all)
        let missing = (1...100).filter { !rows.contains("2026-11-27 10:00:00.000000 99.00% [DEBUG] test.c:1 streamed line \($0)") }
        #expect(missing.isEmpty, "lines not shown intact: \(missing)")
        #expect(all.filter { $0.contains(Self.prompt) }.count == 1, "stale prompts: \(all)")
        terminal.press("Enter")
        let output = String(typed.dropFirst(5))
        #expect(terminal.waitFor { $0.hasSuffix("\(Self.prompt) \(typed)\n\(output)\n\(Self.prompt)") })
        terminal.type("/exit")
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.contains("\nSTTY-") })
        #expect(terminal.screen().contains("EXIT=0\nSTTY-SAME"))
    }

    /// The resize's SIGWINCH was sent before this key: once the editor echoes the key (and its erasure),
    /// it has been through its loop since, so what follows comes after the resize.
    static func waitUntilEditorRuns(_ terminal: TmuxTerminal, typed: String) {
        terminal.type("Z")
        #expect(terminal.waitForLastLine("\(prompt) \(typed)Z"), "\(terminal.screen())")
        terminal.press("BSpace")
        #expect(terminal.waitForLastLine("\(prompt) \(typed)"), "\(terminal.screen())")
    }

    /// SIGWINCH reaches libedit (through the wake pipe): after a resize, output above the prompt still
    /// leaves the wrapped line intact.
    @Test func resizingKeepsTheLineIntact() throws {
        let simulator = try Self.simulator()
        defer { simulator.stop() }
        let terminal = try TmuxTerminal(columns: 100, rows: 40)
        Self.start(terminal, port: simulator.port)
        #expect(terminal.waitForLastLine(Self.prompt))
        let typed = "echo resized " + String(repeating: "y", count: 60) + " end"
        terminal.type(typed)
        #expect(terminal.waitForLastLine("\(Self.prompt) \(typed)"))
        _ = try terminal.tmux(["resize-window", "-x", "45", "-y", "40"], capture: false)
        Self.waitUntilEditorRuns(terminal, typed: typed)
        for number in 1...20 { simulator.log(LogLine(level: 7, text: "after resize \(number)\n")) }
        #expect(terminal.waitFor { $0.contains("after resize 20\n") })
        #expect(terminal.waitForLastLine("\(Self.prompt) \(typed)"), "\(terminal.screen())")
        let rows = terminal.screen().split(separator: "\n").map(String.init)
        #expect(rows.filter { $0.contains(Self.prompt) }.count == 1, "stale prompts: \(rows)")
        // And wider again.
        _ = try terminal.tmux(["resize-window", "-x", "70", "-y", "40"], capture: false)
        Self.waitUntilEditorRuns(terminal, typed: typed)
        for number in 1...5 { simulator.log(LogLine(level: 7, text: "wider again \(number)\n")) }
        #expect(terminal.waitFor { $0.contains("wider again 5\n") })
        #expect(terminal.waitForLastLine("\(Self.prompt) \(typed)"), "\(terminal.screen())")
        let wider = terminal.screen().split(separator: "\n").map(String.init)
        #expect(wider.filter { $0.contains(Self.prompt) }.count == 1, "stale prompts: \(wider)")
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.hasSuffix("\(String(typed.dropFirst(5)))\n\(Self.prompt)") })
        terminal.press("C-d")
        #expect(terminal.waitFor { $0.contains("EXIT=0\nSTTY-SAME") })
    }

    @Test func utf8InputIsEditedByCharacter() throws {
        let simulator = try Self.simulator()
        defer { simulator.stop() }
        let terminal = try TmuxTerminal()
        Self.start(terminal, port: simulator.port)
        #expect(terminal.waitForLastLine(Self.prompt))
        terminal.type("echo ünïcødé 日本語 ok")
        terminal.press("Left", "Left", "Left", "BSpace")
        terminal.type("X")
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.hasSuffix("\(Self.prompt) echo ünïcødé 日本X ok\nünïcødé 日本X ok\n\(Self.prompt)") })
        terminal.press("C-d")
        #expect(terminal.waitFor { $0.contains("EXIT=0\nSTTY-SAME") })
    }

    @Test func ctrlCCancelsAWaitingCommandAndItsLateReplyIsDiscarded() throws {
        let waiting = Gate()
        let server = ScriptedServer { peer in
            peer.acceptAuth()
            var late: String?
            while let command = peer.readCommand() {
                if command.hasPrefix("api never") {
                    late = "LATE-REPLY-MUST-NOT-SHOW"
                    waiting.open()
                    continue
                }
                if let text = late {
                    // The abandoned command's answer comes first, as a real server would send it.
                    peer.send("Content-Type: api/response\nContent-Length: \(text.utf8.count + 1)\n\n\(text)\n")
                    late = nil
                }
                if command.hasPrefix("log") {
                    peer.send("Content-Type: command/reply\nReply-Text: +OK log level  [7]\n\n")
                } else {
                    let text = command.hasPrefix("api switchname") ? "vm" : "answer-after-cancel"
                    peer.send("Content-Type: api/response\nContent-Length: \(text.utf8.count + 1)\n\n\(text)\n")
                }
            }
        }
        let terminal = try TmuxTerminal()
        Self.start(terminal, port: server.port)
        #expect(terminal.waitForLastLine(Self.prompt))
        terminal.type("never answered")
        terminal.press("Enter")
        #expect(terminal.waitForLastLine("\(Self.prompt) never answered"))
        #expect(waiting.wait(), "the command never reached the server")
        terminal.press("C-c")
        #expect(terminal.waitFor { $0.contains("cancelled") })
        // One ^C: the terminal's echo of the key is not followed by a second one (it once read `^C^C: …`).
        #expect(terminal.screen().split(separator: "\n").contains("^C: cancelled; the reply, if it comes, will be discarded."), "\(terminal.screen())")
        #expect(terminal.waitForLastLine(Self.prompt))
        terminal.type("next")
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.contains("answer-after-cancel") })
        #expect(!terminal.everything().contains("LATE-REPLY"))
        terminal.press("C-d")
        #expect(terminal.waitFor { $0.contains("EXIT=0\nSTTY-SAME") })
    }

    @Test func ctrlCAtThePromptClearsTheLine() throws {
        let simulator = try Self.simulator()
        defer { simulator.stop() }
        let terminal = try TmuxTerminal()
        Self.start(terminal, port: simulator.port)
        #expect(terminal.waitForLastLine(Self.prompt))
        terminal.type("status with a typo")
        // Ctrl-C is a signal and overtakes keys still unread: wait until the line is on the screen.
        #expect(terminal.waitForLastLine("\(Self.prompt) status with a typo"))
        terminal.press("Left", "Left", "C-c")
        #expect(terminal.waitFor { $0.hasSuffix("\(Self.prompt) status with a typo^C\n\(Self.prompt)") })
        terminal.type("hostname")
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.hasSuffix("hostname\nvm\n\(Self.prompt)") })
        terminal.press("C-d")
        #expect(terminal.waitFor { $0.contains("EXIT=0\nSTTY-SAME") })
    }

    @Test func serverDisconnectIsShownWhileIdle() throws {
        let simulator = try Self.simulator()
        let terminal = try TmuxTerminal()
        Self.start(terminal, port: simulator.port)
        #expect(terminal.waitForLastLine(Self.prompt))
        terminal.type("half typed")
        #expect(terminal.waitForLastLine("\(Self.prompt) half typed"))
        simulator.stop()
        // Shown while idle, without a key pressed (a hang check: it takes milliseconds).
        #expect(terminal.waitFor { $0.contains("eslsh: connection closed by 127.0.0.1:") })
        #expect(terminal.waitFor { $0.contains("EXIT=6\nSTTY-SAME") })
    }

    @Test func coloursWhenAskedFor() throws {
        let simulator = try Self.simulator()
        defer { simulator.stop() }
        let terminal = try TmuxTerminal()
        Self.start(terminal, port: simulator.port, arguments: "--color always")
        #expect(terminal.waitForLastLine(Self.prompt))
        simulator.log(LogLine(level: 3, text: "an error line\n"))
        simulator.log(LogLine(level: 7, text: "a debug line\n"))
        #expect(terminal.waitFor { $0.contains("a debug line") })
        terminal.type("bogus")
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.contains("Command not found") })
        let colored = terminal.screenWithEscapes()
        #expect(colored.contains("\u{1B}[31man error line"))
        #expect(colored.contains("\u{1B}[33ma debug line"))
        #expect(colored.contains("\u{1B}[31m-ERR bogus Command not found!"))
        #expect(colored.contains("\u{1B}[1m\u{1B}[34mfreeswitch@vm>\u{1B}[0m\u{1B}[39m\u{1B}[49m bogus"), "prompt in bold blue, typed text plain")
        terminal.press("C-d")
        #expect(terminal.waitFor { $0.contains("EXIT=0\nSTTY-SAME") })
    }

    @Test func theServersDisconnectNoticeIsShown() throws {
        let promptShown = Gate()
        let server = ScriptedServer { peer in
            peer.acceptAuth()
            for _ in 0..<3 {  // switchname, hostname, log
                guard let command = peer.readCommand() else { return }
                if command.hasPrefix("log") {
                    peer.send("Content-Type: command/reply\nReply-Text: +OK log level  [7]\n\n")
                } else {
                    peer.send("Content-Type: api/response\nContent-Length: 3\n\nvm\n")
                }
            }
            promptShown.wait()
            let text = "Disconnected, goodbye.\nSee you at ClueCon! http://www.cluecon.com/\n"
            peer.send("Content-Type: text/disconnect-notice\nContent-Disposition: disconnect\nContent-Length: \(text.utf8.count)\n\n\(text)")
        }
        let terminal = try TmuxTerminal()
        Self.start(terminal, port: server.port)
        #expect(terminal.waitForLastLine(Self.prompt))
        promptShown.open()
        #expect(terminal.waitFor { $0.contains("eslsh: server closed the connection: Disconnected, goodbye.") })
        #expect(terminal.waitFor { $0.contains("EXIT=6\nSTTY-SAME") })
    }

    @Test func promptTemplateNoHistoryAndDebugTrace() throws {
        let simulator = try Self.simulator()
        defer { simulator.stop() }
        let terminal = try TmuxTerminal()
        Self.start(terminal, port: simulator.port, arguments: "--no-history --prompt '%o:%P %s%%'")
        let prompt = "127.0.0.1:\(simulator.port) vm%>"
        #expect(terminal.waitForLastLine(prompt))
        terminal.type("/debug 1")
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.hasSuffix("Debug level set to 1\n\(prompt)") })
        terminal.type("hostname")
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.hasSuffix("[debug] > api hostname\n[debug] < vm\nvm\n\(prompt)") })
        terminal.type("/debug 9")
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.contains("The debug level must be 0-7.") })
        terminal.press("C-d")
        #expect(terminal.waitFor { $0.contains("EXIT=0\nSTTY-SAME") })
        #expect(!FileManager.default.fileExists(atPath: terminal.home + "/.local/state/eslsh/history"))
    }

    /// SIGTERM and SIGHUP mid-line end the console cleanly, terminal restored.
    @Test(arguments: [SIGTERM, SIGHUP])
    func signalsEndTheConsoleWithTheTerminalRestored(signal: Int32) throws {
        let simulator = try Self.simulator()
        defer { simulator.stop() }
        let terminal = try TmuxTerminal()
        Self.start(terminal, port: simulator.port)
        #expect(terminal.waitForLastLine(Self.prompt))
        terminal.type("half a line")
        #expect(terminal.waitForLastLine("\(Self.prompt) half a line"))
        let children = terminal.shellChildren()
        #expect(children.count == 1)
        for pid in children { kill(pid, signal) }
        #expect(terminal.waitFor { $0.contains("\nEXIT=0\nSTTY-SAME") })
    }

    @Test func historyIsPrivateSavedAsYouGoAndSkipsSecrets() throws {
        let simulator = try Self.simulator()
        defer { simulator.stop() }
        let terminal = try TmuxTerminal()
        Self.start(terminal, port: simulator.port)
        #expect(terminal.waitForLastLine(Self.prompt))
        for line in ["hostname", "hostname", "api auth s3cret", "version"] {
            terminal.type(line)
            terminal.press("Enter")
            #expect(terminal.waitForLastLine(Self.prompt))
        }
        // Saved before exit.
        let path = terminal.home + "/.local/state/eslsh/history"
        let saved = try String(contentsOfFile: path, encoding: .utf8)
        #expect(saved.components(separatedBy: "hostname").count == 2, "adjacent duplicates skipped: \(saved)")
        #expect(saved.contains("version"))
        #expect(!saved.contains("s3cret"))
        let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
        #expect(mode == 0o600)
        // Up arrow recalls the last line.
        terminal.press("Up")
        #expect(terminal.waitForLastLine("\(Self.prompt) version"))
        terminal.press("C-u", "C-d")
        #expect(terminal.waitFor { $0.contains("EXIT=0\nSTTY-SAME") })
    }

    @Test func slashCommandsAndFunctionKeys() throws {
        let simulator = try Self.simulator()
        defer { simulator.stop() }
        let terminal = try TmuxTerminal()
        Self.start(terminal, port: simulator.port)
        #expect(terminal.waitForLastLine(Self.prompt))
        terminal.type("/evnt")
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.contains("Unknown command /evnt. Did you mean /event") })
        terminal.press("F12")
        #expect(terminal.waitFor { $0.contains("\(Self.prompt) version\nFreeSWITCH Version 1.11.3") })
        // fs_cli's habit: `console loglevel X` also sets this connection's log level.
        terminal.type("console loglevel info")
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.contains("\(Self.prompt) console loglevel info\n+OK log level info [6]\n+OK") })
        // Client-side log filters.
        terminal.type("/logfilter needle")
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.hasSuffix("Logfilter enabled: needle\n\(Self.prompt)") })
        simulator.log(LogLine(level: 6, text: "hay only\n"))
        simulator.log(LogLine(level: 6, text: "a needle here\n"))
        #expect(terminal.waitFor { $0.contains("a needle here") })
        #expect(!terminal.everything().contains("hay only"))
        terminal.type("/uuid 1234")
        terminal.press("Enter")
        // The filter must be on before the lines are sent (they otherwise overtake the typed command).
        #expect(terminal.waitFor { $0.contains("UUID filtering enabled for 1234") })
        simulator.log(LogLine(level: 6, userData: "5678", text: "needle of another call\n"))
        simulator.log(LogLine(level: 6, userData: "1234", text: "needle of this call\n"))
        #expect(terminal.waitFor { $0.contains("needle of this call") })
        #expect(!terminal.everything().contains("needle of another call"))
        terminal.type("/exit")
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.contains("EXIT=0\nSTTY-SAME") })
    }
}
