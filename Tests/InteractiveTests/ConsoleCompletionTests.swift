import ESLClient
import ESLProtocol
import ESLSimulator
import Foundation
import TestSupport
import Testing

/// Tab in the console: event names, CUSTOM subclasses, the switch's own completions (as fs_cli asks).
extension InteractiveConsoleTests {
    @Test func tabCompletesEventNames() throws {
        let simulator = try Self.simulator()
        defer { simulator.stop() }
        let terminal = try TmuxTerminal()
        Self.start(terminal, port: simulator.port)
        #expect(terminal.waitForLastLine(Self.prompt))
        terminal.type("/event plain CHANNEL_AN")
        terminal.press("Tab")
        #expect(terminal.waitForLastLine("\(Self.prompt) /event plain CHANNEL_ANSWER"))
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.contains("+OK event listener enabled plain") })
        // Several candidates are listed in columns, the line stays as typed.
        terminal.type("/event plain CHANNEL_HANGUP")
        terminal.press("Tab")
        #expect(terminal.waitFor { $0.contains("CHANNEL_HANGUP_COMPLETE") })
        #expect(terminal.waitForLastLine("\(Self.prompt) /event plain CHANNEL_HANGUP"))
        terminal.press("C-u", "C-d")
        #expect(terminal.waitFor { $0.contains("EXIT=0\nSTTY-SAME") })
    }

    /// `/event plain CUSTOM sof` + Tab: FreeSWITCH's own subclasses, and any seen in the stream.
    @Test func tabCompletesCustomSubclassesKnownAndSeen() throws {
        let (simulator, terminal) = try Self.startedConsole()
        defer { simulator.stop() }
        terminal.type("/event plain CUSTOM sofia::unr")
        terminal.press("Tab")
        #expect(terminal.waitForLastLine("\(Self.prompt) /event plain CUSTOM sofia::unregister"))
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.contains("+OK event listener enabled plain") })
        terminal.type("/event plain ALL")
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.components(separatedBy: "+OK event listener enabled plain").count == 3 })
        let sender = try Connection.open(ConnectOptions(port: simulator.port))
        defer { sender.close() }
        _ = try sender.send(.sendevent(name: "CUSTOM", headers: [Header("Event-Subclass", "acme::heartbeat")]))
        #expect(terminal.waitFor { $0.contains("acme::heartbeat") })
        terminal.type("/nixevent CUSTOM acme::h")
        terminal.press("Tab")
        #expect(terminal.waitForLastLine("\(Self.prompt) /nixevent CUSTOM acme::heartbeat"), "\(terminal.screen())")
        terminal.press("C-u", "C-d")
        #expect(terminal.waitFor { $0.contains("EXIT=0\nSTTY-SAME") })
    }

    @Test func tabAsksTheSwitchForAPINames() throws {
        let simulator = try Self.simulator()
        defer { simulator.stop() }
        let terminal = try TmuxTerminal()
        Self.start(terminal, port: simulator.port)
        #expect(terminal.waitForLastLine(Self.prompt))
        terminal.type("switchn")
        terminal.press("Tab")
        #expect(terminal.waitForLastLine("\(Self.prompt) switchname"))
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.hasSuffix("switchname\nvm\n\(Self.prompt)") })
        terminal.press("C-d")
        #expect(terminal.waitFor { $0.contains("EXIT=0\nSTTY-SAME") })
    }

    /// Tab twice after `show` (the demo once turned the line into `sshow `): the first completes the
    /// word, the second lists show's arguments once; a third does not list them again.
    @Test func tabTwiceAfterShowListsItsArgumentsOnce() throws {
        let (simulator, terminal) = try Self.startedConsole()
        defer { simulator.stop() }
        terminal.type("show")
        terminal.press("Tab")
        terminal.press("Tab")
        #expect(terminal.waitFor { $0.contains("detailed_bridged_calls") })
        #expect(terminal.waitForLastLine("\(Self.prompt) show"), "\(terminal.screen())")
        terminal.press("Tab")
        terminal.type("chan")
        terminal.press("Tab")
        #expect(terminal.waitForLastLine("\(Self.prompt) show channels"), "\(terminal.screen())")
        #expect(terminal.everything().components(separatedBy: "detailed_bridged_calls").count == 2, "listed once: \(terminal.screen())")
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.contains("0 total.") })
        terminal.press("C-d")
        #expect(terminal.waitFor { $0.contains("EXIT=0\nSTTY-SAME") })
    }
}
