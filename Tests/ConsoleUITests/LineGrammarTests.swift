import ConsoleUI
import ESLProtocol
import Testing

@Suite struct LineGrammarTests {
    @Test(arguments: [
        ("status", LineAction.send(.api("status", consoleExecute: true))),
        ("  show calls  ", .send(.api("show calls", consoleExecute: true))),
        ("status;;version", .send(.api("status;;version", consoleExecute: true))),
        ("api status", .send(.api("status"))),
        ("API   version", .send(.api("version"))),
        ("bgapi originate loopback/9196 &park", .send(.bgapi("originate loopback/9196 &park"))),
        ("/event plain ALL", .send(.raw("event plain ALL"))),
        ("/filter Unique-ID abc", .send(.raw("filter Unique-ID abc"))),
        ("/log debug", .send(.raw("log debug"))),
        ("/nolog", .send(.raw("nolog"))),
        ("/exit", .local(name: "exit", arguments: [])),
        ("/quit", .local(name: "exit", arguments: [])),
        ("/bye", .local(name: "exit", arguments: [])),
        ("...", .local(name: "exit", arguments: [])),
        ("/uuid abc", .local(name: "uuid", arguments: ["abc"])),
        ("", .skip), ("   ", .skip), ("# comment", .skip), ("  # indented comment", .skip), ("status\r", .send(.api("status", consoleExecute: true))),
    ])
    func parse(line: String, action: LineAction) throws {
        #expect(try LineGrammar.parse(line) == action)
    }

    @Test func callControlShortcuts() throws {
        guard case .send(.sendmsg(let uuid, let call)) = try LineGrammar.parse("/execute abc-123 playback  /tmp/a file.wav") else {
            Issue.record("not a sendmsg")
            return
        }
        #expect(uuid == "abc-123")
        #expect(call.headers.prefix(3) == [Header("call-command", "execute"), Header("execute-app-name", "playback"), Header("execute-app-arg", "/tmp/a file.wav")])
        #expect(call.headers.contains { $0.name == "Event-UUID" })
        guard case .send(.sendmsg(_, let bare)) = try LineGrammar.parse("/execute abc answer") else { Issue.record("no sendmsg"); return }
        #expect(!bare.headers.contains { $0.name == "execute-app-arg" })
        #expect(try LineGrammar.parse("/hangup abc USER_BUSY") == .send(.sendmsg(uuid: "abc", .hangup(cause: "USER_BUSY"))))
        #expect(try LineGrammar.parse("/hangup abc") == .send(.sendmsg(uuid: "abc", .hangup())))
        #expect(try LineGrammar.parse("/bg originate loopback/9196 &park") == .send(.bgapi("originate loopback/9196 &park")))
        #expect(throws: CommandError.self) { try LineGrammar.parse("/execute abc") }
        #expect(throws: CommandError.self) { try LineGrammar.parse("/hangup") }
        #expect(throws: CommandError.self) { try LineGrammar.parse("/bg") }
    }

    @Test func slashLinesWithLineBreaksAreRefused() {
        #expect(throws: CommandError.self) { try LineGrammar.parse("/event plain ALL\nexit") }
    }

    @Test func bareLinesWithLineBreaksAreRefusedWhenEncoded() throws {
        let action = try LineGrammar.parse("status\n\nexit")
        guard case .send(let command) = action else { Issue.record("not sent"); return }
        #expect(throws: CommandError.self) { try command.encode() }
    }
}

@Suite struct RendererTests {
    let renderer = Renderer()

    @Test func apiOutputEndsInExactlyOneLineBreak() {
        #expect(renderer.render(.api(APIResponse(text: "vm"))) == "vm\n")
        #expect(renderer.render(.api(APIResponse(text: "\n0 total.\n"))) == "\n0 total.\n")
        #expect(renderer.render(.api(APIResponse(text: ""))) == "")
        #expect(renderer.render(.reply(Reply(text: "+OK log level 7 [7]"))) == "+OK log level 7 [7]\n")
    }

    @Test func plainEventsAsFsCliShowsThem() {
        let event = Event(name: "BACKGROUND_JOB", headers: [Header("Job-UUID", "u")], body: "+OK done")
        #expect(renderer.plainEvent(event) == "RECV EVENT\nEvent-Name: BACKGROUND_JOB\nJob-UUID: u\nContent-Length: 8\n\n+OK done\n\n")
        #expect(renderer.plainEvent(Event(name: "HEARTBEAT")) == "RECV EVENT\nEvent-Name: HEARTBEAT\n\n")
    }
}
