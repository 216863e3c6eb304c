import Foundation
import TestSupport
import Testing

/// `make demo` as a first-time user meets it (scripts/demo.sh in a terminal): a greeting that stays on
/// the screen, no DEBUG flood, Ctrl-C that stops nothing but the line, and eslsh's own exit status.
@Suite(.serialized, .timeLimit(.minutes(1))) struct DemoTests {
    static let repository: String = {
        let file = "\(#filePath)"
        return String(file[..<file.range(of: "/Tests/InteractiveTests/")!.lowerBound])
    }()

    @Test func demoGreetsShowsACallReadablyAndEndsWithTheConsolesStatus() throws {
        let terminal = try TmuxTerminal(columns: 160, rows: 60)
        let bin = String(InteractiveConsoleTests.binary.dropLast("/eslsh".count))
        terminal.type("cd \(Self.repository) && scripts/demo.sh \(bin); echo DEMO-EXIT=$?")
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.hasSuffix("freeswitch@eslsim>") })
        let shown = terminal.everything()
        #expect(shown.contains("CHANNEL_CREATE loopback/9196-a"))
        #expect(shown.contains("[NOTICE]"))
        #expect(!shown.contains("[DEBUG]"), "no DEBUG flood: \(shown)")
        #expect(shown.contains("/log debug (more)"))
        #expect(shown.contains("/nolog (none)"))
        // The whole tour fits on one screen: the greeting has not scrolled away.
        #expect(terminal.screen().contains("== A simulated FreeSWITCH on 127.0.0.1:"))
        terminal.press("C-c")
        terminal.type("switchname")
        terminal.press("Enter")
        #expect(terminal.waitFor { screen in
            let lines = screen.split(separator: "\n")
            guard let typed = lines.lastIndex(where: { $0.hasSuffix("> switchname") }) else { return false }
            return lines[typed...].contains("eslsim")
        }, "\(terminal.screen())")
        terminal.press("C-d")
        #expect(terminal.waitFor { $0.split(separator: "\n").contains { $0.hasPrefix("DEMO-EXIT=") } })
        #expect(terminal.screen().split(separator: "\n").contains("DEMO-EXIT=0"))
    }
}
