import ESLProtocol
import ESLSimulator
import Foundation
import TestSupport
import Testing

/// F-key macros come from a config file: a carriage return inside one must not reach the wire as a
/// second command line. (A line feed cannot: the config file is read line by line.)
@Suite(.serialized, .timeLimit(.minutes(1))) struct ConsoleInjectionTests {
    @Test func aFunctionKeyMacroWithACarriageReturnIsRefused() throws {
        let simulator = try testSimulator()
        defer { simulator.stop() }
        let config = FileManager.default.temporaryDirectory.appendingPathComponent("eslsh-fkey-\(getpid()).conf").path
        defer { try? FileManager.default.removeItem(atPath: config) }
        // F1: a CR smuggling `fsctl shutdown` after `status`; F2: an ordinary macro, to show keys work.
        let text = "[default]\nhost => 127.0.0.1\nport => \(simulator.port)\npassword => ClueCon\n"
            + "key_F1 => status\rfsctl shutdown\nkey_F2 => hostname\n"
        _ = FileManager.default.createFile(atPath: config, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600])
        let terminal = try TmuxTerminal()
        terminal.type("ESLSH_CONFIG=\(config) \(InteractiveConsoleTests.binary) --color never; echo \"EXIT=$?\"")
        terminal.press("Enter")
        #expect(terminal.waitForLastLine(InteractiveConsoleTests.prompt))
        terminal.press("F1")
        #expect(terminal.waitFor { $0.contains("contains a line break; refusing to send it") }, "\(terminal.screen())")
        #expect(!terminal.everything().contains("UP 0 years"), "status must not have been sent")
        terminal.press("F2")
        #expect(terminal.waitFor { $0.contains("\(InteractiveConsoleTests.prompt) hostname\nvm\n") }, "\(terminal.screen())")
        // The connection is still in step: a typed command gets its own answer.
        terminal.type("version")
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.contains("FreeSWITCH Version 1.11.3") })
        terminal.press("C-d")
        #expect(terminal.waitFor { $0.contains("EXIT=0") })
    }
}
