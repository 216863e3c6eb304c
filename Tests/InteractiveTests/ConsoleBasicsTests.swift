#if canImport(Glibc)
import Glibc
#endif
import ESLProtocol
import ESLSimulator
import Foundation
import TestSupport
import Testing

/// The console's everyday corners no other test reached: `/help`, `/format`, a reply that does not come
/// in time, Ctrl-Z and `fg`, a switch that is not there; and `--stats` at a terminal.
@Suite(.serialized, .timeLimit(.minutes(2))) struct ConsoleBasicsTests {
    static let prompt = InteractiveConsoleTests.prompt

    @Test func helpListsTheCommandsAndFormatChangesHowEventsAreShown() throws {
        let (simulator, terminal) = try InteractiveConsoleTests.startedConsole(arguments: "--no-history -q")
        defer { simulator.stop() }
        terminal.type("/help")
        terminal.press("Enter")
        #expect(terminal.waitFor { _ in terminal.everything().contains("\n/help                           This help.\n") }, "\(terminal.screen())")
        #expect(terminal.everything().contains("\n/format [fmt]                   Show events as summary, headers, plain, json, ndjson or xml.\n"))
        terminal.type("/format")
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.hasSuffix("/format\nEvents are shown as summary\n\(Self.prompt)") }, "\(terminal.screen())")
        terminal.type("/format yaml")
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.contains("Unknown format yaml: use summary, headers, plain, json, ndjson, xml.\n") }, "\(terminal.screen())")
        terminal.type("/format headers")
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.hasSuffix("Events are shown as headers\n\(Self.prompt)") }, "\(terminal.screen())")
        terminal.type("/event plain CHANNEL_CREATE")
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.contains("+OK event listener enabled plain\n") }, "\(terminal.screen())")
        simulator.originate(destination: "9196")
        // Headers, one a line: the event's own, not a summary line.
        #expect(terminal.waitFor { _ in
            let all = terminal.everything()
            return all.contains("\nEvent-Name: CHANNEL_CREATE\n") && all.contains("\nChannel-Name: loopback/9196-a\n")
        }, "\(terminal.screen())")
        terminal.press("C-d")
        #expect(terminal.waitFor { $0.contains("EXIT=0\nSTTY-SAME") }, "\(terminal.screen())")
    }

    /// `-t`: a command whose reply does not come in time is given up (2 s: the next command's answer,
    /// which does come, must not miss it on a busy machine), and its late reply is not shown
    /// as the answer to the next one. A switch answers a connection's commands in order, so the server
    /// here is scripted: it holds `msleep`'s answer until the console has given up on it, then sends it
    /// just before the next command's.
    @Test func aReplyThatDoesNotComeInTimeIsGivenUp() throws {
        let gaveUp = Gate()
        let server = ScriptedServer { peer in
            peer.acceptAuth()
            func answer(_ body: String) { peer.send("Content-Type: api/response\nContent-Length: \(body.utf8.count)\n\n\(body)") }
            while let command = peer.readCommand() {
                // (Typed commands carry more headers after the first line.)
                let line = command.prefix { $0 != "\n" }
                switch line {
                case "api switchname", "api hostname": answer("vm\n")
                case "api msleep 1500":
                    guard gaveUp.wait() else { return }
                    answer("+OK late\n")
                default: answer("-ERR unexpected \(line)\n")
                }
            }
        }
        let terminal = try TmuxTerminal()
        InteractiveConsoleTests.start(terminal, port: server.port, arguments: "--no-history -q -t 2s")
        #expect(terminal.waitForLastLine(Self.prompt), "\(terminal.screen())")
        terminal.type("msleep 1500")
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.contains("No reply to api msleep 1500 within 2000 ms; it will be discarded.\n") }, "\(terminal.screen())")
        #expect(terminal.waitForLastLine(Self.prompt), "\(terminal.screen())")
        gaveUp.open()
        terminal.type("hostname")
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.hasSuffix("\(Self.prompt) hostname\nvm\n\(Self.prompt)") }, "\(terminal.screen())")
        #expect(!terminal.everything().contains("+OK late"))
        terminal.press("C-d")
        #expect(terminal.waitFor { $0.contains("EXIT=0\nSTTY-SAME") }, "\(terminal.screen())")
    }

    /// Ctrl-Z stops the console with the terminal as the shell had it (the shell's status line after
    /// the stopped job compares the settings: 148 is 128 + SIGTSTP); `fg` brings back the prompt and
    /// the half-typed line, which still works.
    @Test func ctrlZSuspendsAndFgRestoresThePromptAndTheLine() throws {
        let (simulator, terminal) = try InteractiveConsoleTests.startedConsole(arguments: "--no-history -q")
        defer { simulator.stop() }
        terminal.type("host")
        #expect(terminal.waitForLastLine("\(Self.prompt) host"))
        terminal.press("C-z")
        #expect(terminal.waitFor { $0.contains("Stopped") && $0.hasSuffix("EXIT=148\nSTTY-SAME\n$") }, "\(terminal.screen())")
        terminal.type("fg")
        terminal.press("Enter")
        #expect(terminal.waitForLastLine("\(Self.prompt) host"), "\(terminal.screen())")
        terminal.type("name")
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.hasSuffix("\(Self.prompt) hostname\nvm\n\(Self.prompt)") }, "\(terminal.screen())")
        terminal.press("C-d")
        #expect(terminal.waitForLastLine("$"), "\(terminal.screen())")
        terminal.type("echo \"FG=$?\"; [ \"$S1\" = \"$(stty -g)\" ] && echo STTY-SAME || echo STTY-DIFF")
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.contains("\nFG=0\nSTTY-SAME\n") }, "\(terminal.screen())")
    }

    /// Nobody listening: one line saying so, exit 3, the terminal as it was.
    @Test func aConsoleThatCannotConnect() throws {
        let port = freeLoopbackPort()
        let terminal = try TmuxTerminal()
        InteractiveConsoleTests.start(terminal, port: port)
        #expect(terminal.waitFor { $0.contains("EXIT=3\nSTTY-SAME") }, "\(terminal.screen())")
        #expect(terminal.screen().contains(
            "\neslsh: connection refused by 127.0.0.1:\(port) (is FreeSWITCH running with mod_event_socket listening there?)\nEXIT=3\n"),
            "\(terminal.screen())")
    }

    /// `--stats` at a terminal: the column titles, then every 20 lines again.
    @Test func statsAtATerminalRepeatTheTitlesEveryTwentyLines() throws {
        let simulator = try testSimulator()
        defer { simulator.stop() }
        let terminal = try TmuxTerminal(columns: 120, rows: 50)
        terminal.type("\(InteractiveConsoleTests.binary) -P \(simulator.port) --stats --count 22; echo \"EXIT=$?\"")
        terminal.press("Enter")
        // A line a second: 22 of them (a hang check of several times that).
        #expect(terminal.waitFor(seconds: 120) { $0.contains("\nEXIT=") }, "\(terminal.screen())")
        let screen = terminal.screen()
        #expect(screen.contains("\nEXIT=0"), "\(screen)")
        let lines = screen.split(separator: "\n").drop { !$0.contains("--stats --count 22") }.dropFirst().prefix { !$0.hasPrefix("EXIT=") }
        let header = " calls chans sess/s idle%   ev/s  err/s warn/s note/s info/s  dbg/s   top events/s"
        #expect(lines.count == 24, "\(screen)")
        #expect(lines.indices.filter { lines[$0].hasPrefix(header) }.map { $0 - lines.startIndex } == [0, 21], "\(screen)")
    }
}

/// A loopback port nobody listens on (taken and released).
func freeLoopbackPort() -> Int { ScriptedServer(accept: false).port }
