import ESLClient
import ESLProtocol
import ESLSimulator
import Foundation
import TestSupport
import Testing

/// The console asks before commands that drop calls, and shows `show` answers as tables.
@Suite(.serialized, .timeLimit(.minutes(1))) struct ConfirmationAndTableTests {
    static let prompt = InteractiveConsoleTests.prompt

    /// The live calls, asked on a connection of the test's own.
    static func callCount(_ simulator: Simulator) throws -> String {
        let connection = try Connection.open(ConnectOptions(port: simulator.port))
        defer { connection.close() }
        return try connection.send(.api("show calls count")).text
    }

    @Test func hupallAsksAndNoDoesNotSendIt() throws {
        let simulator = try testSimulator()
        defer { simulator.stop() }
        simulator.originate(destination: "9196")
        let terminal = try TmuxTerminal()
        InteractiveConsoleTests.start(terminal, port: simulator.port, arguments: "--no-history")
        #expect(terminal.waitForLastLine(Self.prompt))
        terminal.type("/nolog")
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.contains("+OK no longer logging") })
        #expect(terminal.waitForLastLine(Self.prompt))

        terminal.type("hupall")
        terminal.press("Enter")
        #expect(terminal.waitForLastLine("'hupall' hangs up every call. Send it? [y/N]"), "\(terminal.screen())")
        terminal.type("n")
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.hasSuffix("Send it? [y/N] n\nNot sent.\n\(Self.prompt)") }, "\(terminal.screen())")
        #expect(try Self.callCount(simulator) == "\n1 total.\n", "the simulator saw no hupall")

        // Enter alone is no, too.
        terminal.type("hupall")
        terminal.press("Enter")
        #expect(terminal.waitForLastLine("'hupall' hangs up every call. Send it? [y/N]"))
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.hasSuffix("Send it? [y/N]\nNot sent.\n\(Self.prompt)") }, "\(terminal.screen())")
        #expect(try Self.callCount(simulator) == "\n1 total.\n")

        // Ctrl-C at the question is no (and a signal: wait for the question before sending it).
        terminal.type("bgapi hupall")
        terminal.press("Enter")
        #expect(terminal.waitForLastLine("'hupall' hangs up every call. Send it? [y/N]"))
        terminal.press("C-c")
        #expect(terminal.waitFor { $0.hasSuffix("Send it? [y/N] ^C\nNot sent.\n\(Self.prompt)") }, "\(terminal.screen())")
        #expect(try Self.callCount(simulator) == "\n1 total.\n")

        terminal.type("hupall")
        terminal.press("Enter")
        #expect(terminal.waitForLastLine("'hupall' hangs up every call. Send it? [y/N]"))
        terminal.type("y")
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.contains("Send it? [y/N] y\n+OK hangup all channels with cause NORMAL_CLEARING\n") }, "\(terminal.screen())")
        #expect(terminal.waitForLastLine(Self.prompt))
        #expect(try Self.callCount(simulator) == "\n0 total.\n")
        terminal.press("C-d")
        #expect(terminal.waitFor { $0.contains("EXIT=0\nSTTY-SAME") })
    }

    @Test func yesSkipsTheQuestion() throws {
        let simulator = try testSimulator()
        defer { simulator.stop() }
        simulator.originate(destination: "9196")
        let terminal = try TmuxTerminal()
        InteractiveConsoleTests.start(terminal, port: simulator.port, arguments: "--no-history --yes")
        #expect(terminal.waitForLastLine(Self.prompt))
        terminal.type("hupall")
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.contains("+OK hangup all channels with cause NORMAL_CLEARING\n") }, "\(terminal.screen())")
        #expect(!terminal.everything().contains("Send it?"))
        #expect(try Self.callCount(simulator) == "\n0 total.\n")
        terminal.type("/exit")
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.contains("EXIT=0\nSTTY-SAME") })
    }

    @Test func showChannelsIsATableFittedToTheTerminalAndWideShowsAll() throws {
        let simulator = try testSimulator()
        defer { simulator.stop() }
        let uuid = simulator.originate(destination: "9196")
        let terminal = try TmuxTerminal(columns: 80, rows: 40)
        InteractiveConsoleTests.start(terminal, port: simulator.port, arguments: "--no-history")
        #expect(terminal.waitForLastLine(Self.prompt))
        terminal.type("/nolog")
        terminal.press("Enter")
        #expect(terminal.waitForLastLine(Self.prompt))
        terminal.type("show channels")
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.contains("2 total. (") }, "\(terminal.screen())")
        let lines = terminal.screen().split(separator: "\n").map(String.init)
        guard let header = lines.firstIndex(where: { $0.hasPrefix("uuid ") }) else { Issue.record("no header: \(lines)"); return }
        #expect(lines[header].contains("direction"))
        #expect(lines[header + 1].hasPrefix("----------"))
        #expect(lines[header + 2].hasPrefix(String(uuid.prefix(8))) && lines[header + 2].contains("…"))
        #expect(lines[header...].allSatisfy { $0.count <= 80 })
        #expect(terminal.screen().contains("more columns not shown: --wide or /wide shows all)"))

        terminal.type("/wide")
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.contains("Tables show every column and whole cells") })
        terminal.type("show channels")
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.contains(uuid + "  outbound") }, "\(terminal.screen())")
        #expect(terminal.waitFor { $0.hasSuffix("\n2 total.\n\(Self.prompt)") })

        terminal.type("/output csv")
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.contains("Tables are shown as csv") })
        terminal.type("show calls")
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.contains("\n\(uuid),outbound,") }, "\(terminal.screen())")
        terminal.press("C-d")
        #expect(terminal.waitFor { $0.contains("EXIT=0\nSTTY-SAME") })
    }

    /// The console is one switch's: with several hosts and nothing to run it says what to do instead.
    @Test func severalHostsAtATerminalAreRefused() throws {
        let simulator = try testSimulator()
        defer { simulator.stop() }
        let terminal = try TmuxTerminal()
        InteractiveConsoleTests.start(terminal, port: simulator.port, arguments: "-H 127.0.0.1 -H localhost")
        #expect(terminal.waitFor { $0.contains("\nSTTY-") })
        #expect(terminal.screen().contains("eslsh: the console talks to one switch; with 2 hosts give commands (-x, -f, standard input) or --events\nEXIT=2\nSTTY-SAME"),
                "\(terminal.screen())")
    }
}
