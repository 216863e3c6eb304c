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
        ("/event plain ALL", .send(.event(.plain, ["ALL"]))),
        ("/filter Unique-ID abc", .send(.filter(header: "Unique-ID", value: "abc"))),
        ("/log debug", .send(.log("debug"))),
        ("/nolog", .send(.nolog)),
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

    /// The protocol's slash words give typed commands, whose bytes are the lines as typed (the wire is
    /// unchanged: the encoder writes what the user wrote).
    @Test(arguments: [
        ("/event plain CHANNEL_CREATE", Command.event(.plain, ["CHANNEL_CREATE"]), "event plain CHANNEL_CREATE"),
        ("/event json DTMF", .event(.json, ["DTMF"]), "event json DTMF"),
        ("/EVENT XML CUSTOM sofia::register", .event(.xml, ["CUSTOM", "sofia::register"]), "event xml CUSTOM sofia::register"),
        ("/event HEARTBEAT", .event(nil, ["HEARTBEAT"]), "event HEARTBEAT"),
        ("/nixevent CHANNEL_CREATE", .nixevent(["CHANNEL_CREATE"]), "nixevent CHANNEL_CREATE"),
        ("/noevents", .noevents, "noevents"),
        ("/filter Event-Name HEARTBEAT", .filter(header: "Event-Name", value: "HEARTBEAT"), "filter Event-Name HEARTBEAT"),
        ("/filter Caller-Caller-ID-Name John  Smith", .filter(header: "Caller-Caller-ID-Name", value: "John  Smith"), "filter Caller-Caller-ID-Name John  Smith"),
        ("/filter delete Event-Name HEARTBEAT", .filterDelete(.value(header: "Event-Name", value: "HEARTBEAT")), "filter delete Event-Name HEARTBEAT"),
        ("/filter delete Unique-ID", .filterDelete(.header("Unique-ID")), "filter delete Unique-ID"),
        ("/filter delete all", .filterDelete(.all), "filter delete all"),
        ("/log 7", .log("7"), "log 7"),
        ("/log", .log(nil), "log"),
        ("/nolog", .nolog, "nolog"),
        ("/linger", .linger(seconds: nil), "linger"),
        ("/linger 10", .linger(seconds: 10), "linger 10"),
        ("/nolinger", .nolinger, "nolinger"),
        ("/divert_events on", .divertEvents(true), "divert_events on"),
        ("/divert_events off", .divertEvents(false), "divert_events off"),
        ("/resume", .resume, "resume"),
        ("/connect", .connect, "connect"),
        ("/getvar x", .getvar("x"), "getvar x"),
    ])
    func protocolWordsAreTyped(line: String, command: Command, wire: String) throws {
        #expect(try LineGrammar.parse(line) == .send(command))
        #expect(try command.encode() == Array((wire + "\n\n").utf8))
    }

    @Test(arguments: ["/event json", "/event", "/nixevent", "/noevents now", "/filter Unique-ID", "/filter delete",
                      "/log debug info", "/linger soon", "/divert_events maybe", "/getvar", "/resume now"])
    func protocolWordsOfTheWrongShapeAreRefusedBeforeSending(line: String) {
        #expect(throws: CommandError.self) { try LineGrammar.parse(line) }
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
