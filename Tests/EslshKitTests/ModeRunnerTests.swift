import ConsoleUI
import ESLClient
import ESLProtocol
import ESLSimulator
import Synchronization
import Testing
import TestSupport
@testable import EslshKit

/// The mode runners in-process, their output read from the printer's pipes.
@Suite struct ModeRunnerTests {
    func session(port: Int, _ output: CapturedOutput) throws -> Session {
        let settings = settings(port: port)
        return Session(settings: settings, printer: output.printer, connection: try Connection.open(settings.connect))
    }

    func script(_ lines: [String], port: Int) throws -> (EslshKit.ExitStatus, CapturedOutput) {
        let output = CapturedOutput()
        let session = try session(port: port, output)
        defer { session.connection.close() }
        let runner = ScriptRunner(session: session, printer: output.printer, bail: false, reconnect: false, reconnectMax: nil,
                                  showInbound: false, formatter: EventFormatter(), style: .plain)
        return (runner.run(lines), output)
    }

    @Test func aScriptPrintsEachAnswerAndExitsOneOnAnError() throws {
        let simulator = try testSimulator()
        defer { simulator.stop() }
        let (status, output) = try script(["bogus", "hostname"], port: simulator.port)
        #expect(status == .commandFailed)
        #expect(output.stdout == "-ERR bogus Command not found!\nvm\n")
        #expect(output.stderr == "")
    }

    @Test func slashLinesAreESLCommands() throws {
        let simulator = try testSimulator()
        defer { simulator.stop() }
        let (status, output) = try script(["/event plain HEARTBEAT", "/log error", "/exit", "hostname"], port: simulator.port)
        #expect(status == .commandFailed)
        #expect(output.stdout == "+OK event listener enabled plain\n-ERR invalid log level\n")
    }

    func stream(port: Int, _ output: CapturedOutput, names: [String] = ["HEARTBEAT"], interruption: Interruption = .when { false }) throws -> EslshKit.ExitStatus {
        var stream = EventStream(session: try session(port: port, output), printer: output.printer, names: names,
                                 formatter: EventFormatter(format: .headers), style: .plain, filters: [], logLevel: nil, uuid: nil,
                                 count: nil, reconnect: false, reconnectMax: nil)
        stream.interruption = interruption
        defer { stream.session.connection.close() }
        return stream.run()
    }

    @Test func anEventStreamEndsWithTheServersGoodbye() throws {
        let sent = Mutex<[String]>([])
        let server = ScriptedServer { peer in
            peer.acceptAuth()
            if let command = peer.readCommand() { sent.withLock { $0.append(command) } }
            peer.send("Content-Type: command/reply\nReply-Text: +OK event listener enabled plain\n\n")
            let body = "Event-Name: HEARTBEAT\nEvent-Info: System%20Ready\n\n"
            peer.send("Content-Length: \(body.utf8.count)\nContent-Type: text/event-plain\n\n\(body)")
            let notice = DisconnectNotice.goodbyeText
            peer.send("Content-Type: text/disconnect-notice\nContent-Length: \(notice.utf8.count)\n\n\(notice)")
        }
        let output = CapturedOutput()
        #expect(try stream(port: server.port, output) == .ok)
        #expect(output.stdout == "Event-Name: HEARTBEAT\nEvent-Info: System Ready\n\n")
        #expect(sent.withLock { $0 } == ["event plain HEARTBEAT\n\n"])
    }

    @Test func aLostStreamExitsSix() throws {
        let server = ScriptedServer { peer in
            peer.acceptAuth()
            _ = peer.readCommand()
            peer.send("Content-Type: command/reply\nReply-Text: +OK event listener enabled plain\n\n")
        }
        let output = CapturedOutput()
        #expect(try stream(port: server.port, output) == .connectionLost)
        #expect(output.stderr == "eslsh: connection closed by 127.0.0.1:\(server.port)\n")
    }

    @Test func aRefusedSubscriptionExitsOne() throws {
        let server = ScriptedServer { peer in
            peer.acceptAuth()
            _ = peer.readCommand()
            peer.send("Content-Type: command/reply\nReply-Text: -ERR no keywords supplied\n\n")
            _ = peer.readCommand()
        }
        let output = CapturedOutput()
        #expect(try stream(port: server.port, output) == .commandFailed)
        #expect(output.stderr == "eslsh: event plain HEARTBEAT: -ERR no keywords supplied\n")
    }

    @Test func anInterruptEndsTheStreamWithZero() throws {
        let simulator = try testSimulator()
        defer { simulator.stop() }
        let output = CapturedOutput()
        #expect(try stream(port: simulator.port, output, interruption: .when { true }) == .ok)
        #expect(output.stdout == "")
    }
}

@Suite struct WatcherTests {
    @Test func subscribesAndFollowsApplications() throws {
        let simulator = try testSimulator()
        defer { simulator.stop() }
        let watcher = try Watcher.open(settings(port: simulator.port).connect).get()
        defer { watcher.close() }
        try watcher.follow(application: "0d3d3b5e-0000-4000-8000-000000000001")
    }

    @Test func saysWhyItCouldNotConnect() throws {
        var options = settings(port: 1).connect
        options.connectTimeoutMilliseconds = 2000
        guard case .failure(let error) = Watcher.open(options) else { Issue.record("connected to port 1"); return }
        #expect(error.description == "connection refused by 127.0.0.1:1 (is FreeSWITCH running with mod_event_socket listening there?)")
    }
}
