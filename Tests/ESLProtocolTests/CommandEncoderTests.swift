import ESLProtocol
import TestSupport
import Testing

@Suite struct CommandEncoderTests {
    func bytes(_ commands: [Command]) throws -> [UInt8] { try commands.flatMap { try $0.encode() } }

    @Test func handshakeCaptures() throws {
        #expect(try bytes([.auth(password: "ClueCon"), .exit]) == Fixtures.sent("handshake-ok-exit"))
        #expect(try bytes([.auth(password: "WrongPassword")]) == Fixtures.sent("handshake-bad-password"))
        #expect(try bytes([.api("status"), .auth(password: "ClueCon"), .api("version")]) == Fixtures.sent("command-before-auth"))
    }

    @Test func commandRepliesCapture() throws {
        let commands: [Command] = [
            .auth(password: "ClueCon"), .event(.plain, ["CHANNEL_CREATE"]), .event(.plain, ["HEARTBEAT", "CUSTOM", "sofia::register"]),
            .event(.json, ["DTMF"]), .raw("event xml"), .raw("event bogus_name"), .nixevent(["CHANNEL_CREATE"]),
            .noevents, .noevents, .filter(header: "Event-Name", value: "HEARTBEAT"), .raw("filter Unique-ID"),
            .filterDelete(.value(header: "Event-Name", value: "HEARTBEAT")), .filterDelete(.all), .log("7"), .log("info"),
            .log("error"), .nolog, .nolog, .linger(seconds: nil), .nolinger, .divertEvents(true),
            .myevents(uuid: "00000000-0000-0000-0000-000000000000", format: .json), .resume, .getvar("x"), .raw("bogus"),
            .raw("api"), .raw("bgapi"),
        ]
        #expect(try bytes(commands) == Fixtures.sent("command-replies"))
    }

    @Test func apiRepliesCapture() throws {
        let commands: [Command] = [
            .auth(password: "ClueCon"), .api("status"), .api("version"), .api("hostname"), .api("show api"),
            .api("bogus_command arg"), .api("show channels"), .api("show channels as json"), .api("show calls as xml"),
            .api("console_complete sho"), .api("console_complete show ch"), .api("console_complete_xml show c"),
            .api("global_getvar hostname"), .api("eval ${uuid}"), .api("status;;version", consoleExecute: true),
        ]
        #expect(try bytes(commands) == Fixtures.sent("api-replies"))
    }

    @Test func bgapiCapture() throws {
        let commands: [Command] = [
            .auth(password: "ClueCon"), .event(.plain, ["BACKGROUND_JOB"]), .bgapi("status"),
            .bgapi("version", jobUUID: "d8c7f660-37a6-4e73-9170-1a731c442148"), .bgapi("bogus_command"),
        ]
        #expect(try bytes(commands) == Fixtures.sent("bgapi"))
    }

    @Test func sendeventCapture() throws {
        let commands: [Command] = [
            .auth(password: "ClueCon"), .event(.plain, ["CUSTOM", "eslsh::test", "MESSAGE_WAITING"]),
            .sendevent(name: "CUSTOM", headers: [Header("Event-Subclass", "eslsh::test"), Header("X-Test", "hello world: 100% ok")],
                       body: "line one\nline two\n"),
            .sendevent(name: "message_waiting", headers: [
                Header("MWI-Messages-Waiting", "yes"), Header("MWI-Message-Account", "sip:1000@127.0.0.1"),
                Header("MWI-Voice-Message", "0/1 (0/0)"),
            ]),
        ]
        #expect(try bytes(commands) == Fixtures.sent("sendevent"))
    }

    @Test func myeventsSendmsgCapture() throws {
        let uuid = "b622c720-3084-4d24-8709-ac47798f4968"
        let commands: [Command] = [
            .auth(password: "ClueCon"), .raw("myevents plain \(uuid)"), .myevents(uuid: uuid, format: .plain),
            .sendmsg(uuid: uuid, .execute("playback", "tone_stream://%(200,0,440)", eventUUID: "22075ce5-b67b-4f04-a6dd-1726ec14c8bf")),
            .sendmsg(uuid: uuid, .hangup(cause: "USER_BUSY")),
            .sendmsg(uuid: "11111111-2222-3333-4444-555555555555", .hangup()),
        ]
        #expect(try bytes(commands) == Fixtures.sent("myevents-sendmsg"))
    }

    @Test func outboundCapture() throws {
        let commands: [Command] = [
            .connect, .myevents(uuid: nil), .linger(seconds: 5), .getvar("channel_name"),
            .sendmsg(uuid: nil, .execute("answer")), .sendmsg(uuid: nil, .execute("hangup", "NORMAL_CLEARING")),
        ]
        #expect(try bytes(commands) == Fixtures.sent("outbound-session"))
    }

    @Test func eventCapturesSubscriptions() throws {
        for format in EventFormat.allCases {
            #expect(try bytes([.auth(password: "ClueCon"), .event(format, ["ALL"])]) == Fixtures.sent("call-events-\(format.rawValue)"))
        }
        #expect(try bytes([.auth(password: "ClueCon"), .log("7")]) == Fixtures.sent("logs-debug"))
    }

    @Test func theRestOfTheProtocol() throws {
        #expect(try Command.userauth(user: "1000@default", password: "1234").encode() == Array("userauth 1000@default:1234\n\n".utf8))
        #expect(try Command.divertEvents(false).encode() == Array("divert_events off\n\n".utf8))
        #expect(try Command.filterDelete(.header("Unique-ID")).encode() == Array("filter delete Unique-ID\n\n".utf8))
        #expect(try Command.log(nil).encode() == Array("log\n\n".utf8))
        #expect(try Command.linger(seconds: 10).encode() == Array("linger 10\n\n".utf8))
        #expect(try Command.myevents(uuid: nil, format: .json).encode() == Array("myevents json\n\n".utf8))
        #expect(try Command.sendmsg(uuid: "u", .execute("playback", "x", loops: 3, eventLock: true, async: true)).encode()
            == Array("sendmsg u\ncall-command: execute\nexecute-app-name: playback\nexecute-app-arg: x\nloops: 3\nevent-lock: true\nasync: true\n\n".utf8))
        #expect(try Command.sendmsg(uuid: "u", .unicast(localIP: "127.0.0.1", localPort: 8025, remoteIP: "127.0.0.1", remotePort: 8026, transport: "udp")).encode()
            == Array("sendmsg u\ncall-command: unicast\nlocal-ip: 127.0.0.1\nlocal-port: 8025\nremote-ip: 127.0.0.1\nremote-port: 8026\ntransport: udp\n\n".utf8))
        #expect(try Command.sendmsg(uuid: "u", .nomedia(uuid: "v")).encode() == Array("sendmsg u\ncall-command: nomedia\nnomedia-uuid: v\n\n".utf8))
        #expect(try Command.sendmsg(uuid: "u", .xferext(["answer", "playback a.wav"])).encode()
            == Array("sendmsg u\ncall-command: xferext\napplication: answer\napplication: playback a.wav\n\n".utf8))
        #expect(try Command.resume.encode() == Array("resume\n\n".utf8))
    }

    @Test func longOrMultiLineExecuteArgumentsGoInABody() throws {
        let long = String(repeating: "x", count: CallCommand.maxHeaderArgument + 1)
        let encoded = try Command.sendmsg(uuid: "u", .execute("set", long)).encode()
        #expect(encoded == Array("sendmsg u\ncall-command: execute\nexecute-app-name: set\ncontent-type: text/plain\nContent-Length: \(long.utf8.count)\n\n\(long)".utf8))
        let multi = try Command.sendmsg(uuid: "u", .execute("speak", "a\nb")).encode()
        #expect(multi == Array("sendmsg u\ncall-command: execute\nexecute-app-name: speak\ncontent-type: text/plain\nContent-Length: 3\n\na\nb".utf8))
    }

    @Test("no single-line field can carry a line break", arguments: [
        Command.auth(password: "x\nevent plain ALL"), .userauth(user: "a\r", password: "b"), .api("status\n\nexit"),
        .api("status", consoleExecute: true).withLineBreak, .bgapi("a\rb"), .bgapi("x", jobUUID: "1\n2"),
        .event(.plain, ["ALL\nexit"]), .myevents(uuid: "u\n", format: nil), .filter(header: "A", value: "b\nc"),
        .filter(header: "A\n", value: "b"), .filterDelete(.value(header: "A", value: "\n")), .nixevent(["X\r"]),
        .log("7\n"), .sendevent(name: "CUSTOM\n"), .sendevent(name: "CUSTOM", headers: [Header("X", "a\nb")]),
        .sendevent(name: "CUSTOM", headers: [Header("X\nY", "a")]), .sendmsg(uuid: "u\n", .hangup()),
        .sendmsg(uuid: "u", .hangup(cause: "A\nB")), .getvar("a\nb"), .raw("a\nb"), .raw("a", headers: [Header("b", "c\r")]),
    ])
    func lineBreaksAreRefused(command: Command) {
        #expect(throws: CommandError.self) { try command.encode() }
    }

    @Test func bodiesMayHoldLineBreaks() throws {
        let encoded = try Command.sendevent(name: "CUSTOM", body: "exit\n\napi shutdown\n\n").encode()
        #expect(encoded == Array("sendevent CUSTOM\nContent-Length: 20\n\nexit\n\napi shutdown\n\n".utf8))
    }

    @Test func emptyCommandsAreRefused() {
        #expect(throws: CommandError.missing("API command")) { try Command.api("  ").encode() }
        #expect(throws: CommandError.missing("event names")) { try Command.event(.plain, []).encode() }
        #expect(throws: CommandError.invalidHeaderName("a:b")) { try Command.raw("x", headers: [Header("a:b", "c")]).encode() }
    }

    @Test func secretsAreRedacted() {
        #expect(Command.auth(password: "s3cret").redactedLine == "auth ********")
        #expect(Command.userauth(user: "1000@default", password: "s3cret").redactedLine == "userauth 1000@default:********")
        #expect(Command.api("status").redactedLine == "api status")
    }
}

extension Command {
    /// The same command with a line break in its text (console_execute set).
    var withLineBreak: Command { .api("a\nb", consoleExecute: true) }
}
