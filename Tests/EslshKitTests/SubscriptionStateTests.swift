import ConsoleUI
import ESLProtocol
import EslshKit
import Testing

/// What a reconnect sends again is known from the typed commands the line grammar returns.
@Suite struct SubscriptionStateTests {
    func command(_ line: String) throws -> Command {
        guard case .send(let command) = try LineGrammar.parse(line) else { throw CommandError.usage("not sent: \(line)") }
        return command
    }

    @Test(arguments: ["/event plain ALL", "/event HEARTBEAT", "/nixevent HEARTBEAT", "/noevents", "/filter Unique-ID abc",
                      "/filter delete all", "/log debug", "/nolog", "/myevents abc json", "/divert_events on"])
    func settingLinesAreRemembered(line: String) throws {
        #expect(Session.isStateCommand(try command(line)))
    }

    @Test(arguments: ["/getvar x", "/linger", "/resume", "status", "api status", "bgapi status", "/bg status"])
    func otherLinesAreNot(line: String) throws {
        #expect(!Session.isStateCommand(try command(line)))
    }
}
