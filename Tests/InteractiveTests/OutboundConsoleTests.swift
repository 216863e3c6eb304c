import ESLClient
import ESLProtocol
import ESLSimulator
import Foundation
import TestSupport
import Testing

/// The outbound console as a user meets it: `eslsh --listen` in a tmux terminal, and the simulator's
/// `socket` application dialling out to it.
@Suite(.serialized, .timeLimit(.minutes(1))) struct OutboundConsoleTests {
    static let binary = builtBinary("eslsh")

    /// Starts `eslsh --listen` on a free port; after it ends the shell prints its exit status and whether
    /// the terminal settings are what they were before.
    static func start(_ terminal: TmuxTerminal, arguments: String = "") -> Int {
        let port = ScriptedServer(accept: false).port
        terminal.type("S1=$(stty -g); \(binary) --listen 127.0.0.1:\(port) --color never \(arguments); "
                      + "echo \"EXIT=$?\"; [ \"$S1\" = \"$(stty -g)\" ] && echo STTY-SAME || echo STTY-DIFF")
        terminal.press("Enter")
        return port
    }

    static func enter(_ terminal: TmuxTerminal, _ line: String) {
        terminal.type(line)
        terminal.press("Enter")
    }

    static let call1 = "call 1 (0000000000→9196)>"

    @Test func aCallIsAnnouncedDrivenFromTheShellAndItsEventsArriveInOrder() throws {
        let simulator = try testSimulator()
        defer { simulator.stop() }
        let terminal = try TmuxTerminal(columns: 160, rows: 50)
        let port = Self.start(terminal, arguments: "--calls 1")
        #expect(terminal.waitForLastLine("no call>"))
        #expect(waitUntilListening(port: port))
        let uuid = simulator.originate(destination: "9196", socket: "127.0.0.1:\(port)")
        #expect(terminal.waitFor { $0.contains("[1] call \(uuid) from <0000000000> to 9196 on loopback/9196-a (answered); type an application") })
        #expect(terminal.waitForLastLine(Self.call1))

        Self.enter(terminal, "/events")
        #expect(terminal.waitFor { $0.hasSuffix("[1] events shown\n\(Self.call1)") })
        Self.enter(terminal, "answer")
        #expect(terminal.waitFor { $0.contains("[1] answer done\n") })
        Self.enter(terminal, "playback /tmp/x.wav")
        #expect(terminal.waitFor { $0.contains("[1] playback /tmp/x.wav done → FILE PLAYED\n") })
        #expect(terminal.waitForLastLine(Self.call1))
        Self.enter(terminal, "/getvar channel_name")
        #expect(terminal.waitFor { $0.hasSuffix("\(Self.call1) /getvar channel_name\nloopback/9196-a\n\(Self.call1)") })
        Self.enter(terminal, "/vars session")
        #expect(terminal.waitFor { $0.contains("/vars session\nsession_id = ") })
        Self.enter(terminal, "hangup NORMAL_CLEARING")
        #expect(terminal.waitFor { $0.contains("[1] call 1 removed: FreeSWITCH closed the socket: Disconnected, goodbye.\n") })
        // --calls 1: the console ends with its call.
        #expect(terminal.waitFor { $0.contains("All calls have ended.\nEXIT=0\nSTTY-SAME") })

        // What was shown about the call, in order: its events (summaries) and the outcomes.
        let shown = terminal.everything().split(separator: "\n").compactMap { line -> String? in
            guard line.hasPrefix("[1] ") else { return nil }
            let words = line.split(separator: " ").map(String.init)
            if words.count > 3, words[2].hasPrefix("CHANNEL_") {
                return words[2] + (words[4].contains("(") || words[2].hasPrefix("CHANNEL_EXECUTE") ? " " + words[4] : "")
            }
            return words.dropFirst().joined(separator: " ")
        }
        // As in the outbound-session capture, the hangup application completes after CHANNEL_HANGUP.
        #expect(Array(shown.prefix(12)) == [
            "call \(uuid) from <0000000000> to 9196 on loopback/9196-a (answered); type an application (answer, playback …) or /help",
            "events shown",
            "CHANNEL_EXECUTE answer", "CHANNEL_EXECUTE_COMPLETE answer", "answer done",
            "CHANNEL_EXECUTE playback(/tmp/x.wav)", "CHANNEL_EXECUTE_COMPLETE playback(/tmp/x.wav)", "playback /tmp/x.wav done → FILE PLAYED",
            "CHANNEL_EXECUTE hangup(NORMAL_CLEARING)", "CHANNEL_HANGUP",
            "CHANNEL_EXECUTE_COMPLETE hangup(NORMAL_CLEARING)", "hangup NORMAL_CLEARING done",
        ], "\(shown)")
        let rest = Array(shown.dropFirst(12))
        #expect(Array(rest.suffix(3)) == ["CHANNEL_HANGUP_COMPLETE", "hung up: NORMAL_CLEARING",
                                          "call 1 removed: FreeSWITCH closed the socket: Disconnected, goodbye."], "\(rest)")
        // The outbound shell keeps its own history next to the console's.
        let history = (try? String(contentsOfFile: terminal.home + "/.local/state/eslsh/history-outbound", encoding: .utf8)) ?? ""
        #expect(history.contains("\nplayback\\040/tmp/x.wav\n"))  // libedit vis(3)-encodes spaces
    }

    @Test func twoCallsAreListedAndTheShellSwitchesBetweenThem() throws {
        let simulator = try testSimulator()
        defer { simulator.stop() }
        let terminal = try TmuxTerminal(columns: 160, rows: 50)
        let port = Self.start(terminal)
        #expect(terminal.waitForLastLine("no call>"))
        #expect(waitUntilListening(port: port))
        let first = simulator.originate(destination: "9196", socket: "127.0.0.1:\(port)")
        #expect(terminal.waitForLastLine(Self.call1))
        // A call arriving while a line is half typed: announced above it, the typed text kept.
        terminal.type("/cal")
        #expect(terminal.waitForLastLine("\(Self.call1) /cal"))
        let second = simulator.originate(destination: "5000", socket: "127.0.0.1:\(port)")
        #expect(terminal.waitFor { $0.contains("[2] call \(second) from <0000000000> to 5000 on loopback/5000-a (answered); /call 2 to switch to it\n") })
        #expect(terminal.waitForLastLine("\(Self.call1) /cal"), "\(terminal.screen())")
        terminal.type("ls")
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.contains("   N  UUID") })
        let listing = terminal.screen().split(separator: "\n").map(String.init)
        #expect(listing.contains { $0.hasPrefix("*  1  \(first)  <0000000000>  9196         answered  ") }, "\(listing)")
        #expect(listing.contains { $0.hasPrefix("   2  \(second)  <0000000000>  5000         answered  ") }, "\(listing)")

        Self.enter(terminal, "/call 2")
        #expect(terminal.waitForLastLine("call 2 (0000000000→5000)>"))
        Self.enter(terminal, "/getvar uuid")
        #expect(terminal.waitFor { $0.hasSuffix("/getvar uuid\n\(second)\ncall 2 (0000000000→5000)>") })
        Self.enter(terminal, "/linger 5")
        #expect(terminal.waitFor { $0.hasSuffix("/linger 5\n+OK will linger 5 seconds\ncall 2 (0000000000→5000)>") })
        Self.enter(terminal, "/resume")
        #expect(terminal.waitFor { $0.hasSuffix("/resume\n+OK\ncall 2 (0000000000→5000)>") })
        // The switch hangs call 2 up while a line is half typed: the prompt moves to call 1 under the news.
        terminal.type("/get")
        #expect(terminal.waitForLastLine("call 2 (0000000000→5000)> /get"))
        let inbound = try Connection.open(ConnectOptions(port: simulator.port))
        defer { inbound.close() }
        _ = try inbound.send(.api("uuid_kill \(second)"))
        #expect(terminal.waitFor { $0.contains("[2] hung up: NORMAL_CLEARING\n[2] the call ended; the socket lingers 5 s for its last events\n[2] call 2 removed: ") })
        #expect(terminal.waitForLastLine("\(Self.call1) /get"), "\(terminal.screen())")
        #expect(!terminal.screen().split(separator: "\n").contains("call 2 (0000000000→5000)> /get"), "a stale prompt: \(terminal.screen())")
        terminal.type("var uuid")
        terminal.press("Enter")
        #expect(terminal.waitFor { $0.hasSuffix("\(Self.call1) /getvar uuid\n\(first)\n\(Self.call1)") })
        Self.enter(terminal, "/call 2")
        #expect(terminal.waitFor { $0.contains("No call 2; /calls lists them.\n") })
        // /exit lets the remaining call go.
        Self.enter(terminal, "/exit")
        #expect(terminal.waitFor { $0.contains("Released 1 call.\nEXIT=0\nSTTY-SAME") })
    }

    @Test func ctrlDWithoutCallsAndRefusedPeersAreNamed() throws {
        let terminal = try TmuxTerminal()
        let port = Self.start(terminal, arguments: "--allow 10.0.0.0/8")
        #expect(terminal.waitForLastLine("no call>"))
        #expect(waitUntilListening(port: port))
        let client = try RawClient(port: port)
        #expect(terminal.waitFor { $0.contains("eslsh: refused a connection from 127.0.0.1: not in --allow\n") })
        _ = client
        Self.enter(terminal, "answer")
        #expect(terminal.waitFor { $0.contains("No call: waiting for FreeSWITCH to connect to 127.0.0.1:\(port).\n") })
        terminal.press("C-d")
        #expect(terminal.waitFor { $0.contains("EXIT=0\nSTTY-SAME") })
    }

    /// FreeSWITCH played by hand with the captured `connect` reply; it then leaves a command unanswered.
    @Test func theCapturedCallIsAnnouncedAndCtrlCAbandonsAnUnansweredCommand() throws {
        let terminal = try TmuxTerminal(columns: 160, rows: 50)
        let port = Self.start(terminal)
        #expect(terminal.waitForLastLine("no call>"))
        #expect(waitUntilListening(port: port))
        let freeswitch = try RawClient(port: port)
        func expectCommand(_ text: String) {
            #expect(String(decoding: freeswitch.receive(atLeast: text.utf8.count), as: UTF8.self) == text)
        }
        expectCommand("connect\n\n")
        let recorded = Fixtures.received("outbound-session")
        let end = (0..<recorded.count - 1).first { recorded[$0] == 0x0A && recorded[$0 + 1] == 0x0A }!
        freeswitch.send(Array(recorded[...(end + 1)]))
        expectCommand("myevents\n\n")
        freeswitch.send("Content-Type: command/reply\nReply-Text: +OK Events Enabled\n\n")
        #expect(terminal.waitFor { $0.contains("[1] call cbb44022-4489-4d0f-8356-bd2a778606b9 from Outbound Call <default> to 9196 on loopback/9196-a (answered)") })
        #expect(terminal.waitForLastLine("call 1 (default→9196)>"))
        Self.enter(terminal, "/vars outbound")
        #expect(terminal.waitFor { $0.contains("/vars outbound\nis_outbound = true\n") })

        Self.enter(terminal, "/getvar channel_name")
        expectCommand("getvar channel_name\n\n")
        terminal.press("C-c")
        #expect(terminal.waitFor { $0.hasSuffix("\n^C: cancelled; the reply, if it comes, will be discarded.\ncall 1 (default→9196)>") })
        freeswitch.send("Content-Type: command/reply\nReply-Text: LATE\n\n")
        Self.enter(terminal, "/getvar channel_name")
        expectCommand("getvar channel_name\n\n")
        freeswitch.send("Content-Type: command/reply\nReply-Text: loopback/9196-a\n\n")
        #expect(terminal.waitFor { $0.hasSuffix("/getvar channel_name\nloopback/9196-a\ncall 1 (default→9196)>") })
        #expect(!terminal.everything().contains("LATE"))

        // FreeSWITCH goes without a word: the call is removed, the console waits for the next.
        freeswitch.socket.shutdown()
        #expect(terminal.waitFor { $0.contains("[1] call 1 removed: connection closed by ") })
        #expect(terminal.waitForLastLine("no call>"))
        terminal.press("C-d")
        #expect(terminal.waitFor { $0.contains("EXIT=0\nSTTY-SAME") })
    }

    /// The typed line wraps behind the call's prompt; when the call goes, the shorter `no call> ` prompt
    /// must replace it without leaving the first row behind.
    @Test func aPromptChangeOnANarrowTerminalLeavesNoDebris() throws {
        let simulator = try testSimulator()
        defer { simulator.stop() }
        let terminal = try TmuxTerminal(columns: 40, rows: 30)
        let port = Self.start(terminal)
        #expect(terminal.waitForLastLine("no call>"))
        #expect(waitUntilListening(port: port))
        let uuid = simulator.originate(destination: "9196", socket: "127.0.0.1:\(port)")
        #expect(terminal.waitForLastLine(Self.call1))
        // 26 + 24 columns: two rows behind the call's prompt, one behind `no call> ` (9 + 24).
        let typed = "playback /tmp/a-file.wav"
        terminal.type(typed)
        #expect(terminal.waitFor { $0.hasSuffix("\(Self.call1) \(typed)") })
        let inbound = try Connection.open(ConnectOptions(port: simulator.port))
        defer { inbound.close() }
        _ = try inbound.send(.api("uuid_kill \(uuid)"))
        #expect(terminal.waitForLastLine("no call> \(typed)"), "\(terminal.screen())")
        let rows = terminal.everything().split(separator: "\n").map(String.init)
        #expect(!rows.contains { $0.contains("call 1 (") && $0.contains("playback") }, "debris of the old prompt: \(rows)")
        terminal.press("C-u", "C-d")
        #expect(terminal.waitFor { $0.contains("EXIT=0\nSTTY-SAME") })
    }
}
