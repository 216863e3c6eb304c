import ESLClient
import ESLProtocol
import ESLSimulator
import Foundation
import Synchronization
import TestSupport
import Testing

/// Corners of eslsh's contract no other test reached: every usage error's message, a refused or
/// unanswered subscription, control characters from the server, profile keys, reconnecting.
@Suite(.timeLimit(.minutes(2))) struct ContractTests {
    /// Each of ESLShell's validations (and replay's, --record's, ESL_PORT's), with its message.
    @Test(arguments: [
        (["-P", "0", "-x", "status"], "port must be in the range 1-65535, not 0"),
        (["-P", "70000", "-x", "status"], "port must be in the range 1-65535, not 70000"),
        (["--bogus-option"], "Unknown option '--bogus-option'"),
        (["-t", "soon", "-x", "status"], "The value 'soon' is invalid for '-t <timeout>'"),
        (["-t", "0", "-x", "status"], "--timeout must be more than 0"),
        (["--retries=-1", "-x", "status"], "--retries must be 0 or more"),
        (["--events", "ALL", "--count", "0"], "--count must be 1 or more"),
        (["--buffer", "0", "-x", "status"], "--buffer must be 1 or more"),
        (["--debug", "8", "-x", "status"], "--debug must be 0-7"),
        (["--events", " "], "--events needs event names (or ALL)"),
        (["--uuid", "u", "-x", "status"], "--uuid, --filter and --count go with --events"),
        (["--stats", "--events", "ALL"], "--stats cannot be combined with --events, -x, -f or --listen"),
        (["--events", "ALL", "--filter", "novalue"], "--filter takes Header=Value, not 'novalue'"),
        (["--events", "ALL", "-x", "status"], "--events cannot be combined with -x or -f"),
        (["-x", "status", "-f", "/dev/null"], "-x and -f cannot be combined"),
        (["-p", "x", "--ask-password", "-x", "status"], "-p and --ask-password cannot be combined"),
        (["--listen", "127.0.0.1:1", "--events", "ALL"], "--listen cannot be combined with --events or -x"),
        (["--listen", "127.0.0.1:1", "--record", "/tmp/x"], "--record goes with the console, --events, -x or -f, not --listen"),
        (["--allow", "10.0.0.0/8", "-x", "status"], "--allow and --calls go with --listen"),
        (["--calls", "1", "-x", "status"], "--allow and --calls go with --listen"),
        (["--listen", "127.0.0.1:1", "--allow", "nonsense"], "not an address or network: 'nonsense' (use 10.0.0.0/8, 192.0.2.7 or fd00::/8)"),
        (["--output", "json", "--events", "ALL"], "--output shapes command answers; it does not go with --events or --listen (use --format)"),
        (["--listen", "127.0.0.1:1", "-H", "a", "-H", "b"], "--listen waits for calls; it does not go with several hosts"),
        (["--record", "", "-x", "status"], "--record needs a file name"),
        (["replay", "--speed", "0", "x"], "--speed must be a number from 0.001 to 1000000 (times the recorded pace; --fast for no pauses)"),
        (["replay", "--speed", "2", "--fast", "x"], "--speed and --fast cannot be combined"),
    ])
    func usageErrorsSayWhatIsWrong(arguments: [String], message: String) throws {
        let run = try EslshTests.run(arguments)
        #expect(run.status == 2)
        // One line (docs/ARCHITECTURE.md: usage errors are one line).
        let command = arguments.first == "replay" ? "eslsh replay" : "eslsh"
        #expect(run.stderr == "\(command): \(message). See '\(command) --help'.\n")
        #expect(run.stdout.isEmpty)
    }

    @Test(arguments: ["abc", "70000", "0"])
    func aBadESLPortIsAUsageError(value: String) throws {
        let run = try EslshTests.run(["-x", "status"], environment: ["ESL_PORT": value])
        #expect(run.status == 2)
        #expect(run.stderr == "eslsh: ESL_PORT must be a port number, not '\(value)'\n")
    }

    // MARK: - Subscriptions

    /// Answers auth, then the first command (the subscription) with `answer`, or not at all.
    static func subscriptionServer(_ answer: String?) -> ScriptedServer {
        ScriptedServer { peer in
            peer.acceptAuth()
            _ = peer.readCommand()
            if let answer { peer.send(answer) }
            peer.holdUntilClosed()
        }
    }

    @Test func aRefusedSubscriptionExitsOne() throws {
        let server = Self.subscriptionServer("Content-Type: command/reply\nReply-Text: -ERR permission denied\n\n")
        let run = try EslshTests.run(["-P", "\(server.port)", "--events", "ALL"])
        #expect(run.status == 1)
        #expect(run.stderr == "eslsh: event plain ALL: -ERR permission denied\n")
        #expect(run.stdout.isEmpty)
    }

    @Test func anUnansweredSubscriptionTimesOutWithFive() throws {
        let server = Self.subscriptionServer(nil)
        let (run, inTime) = try HangCheck.run { try EslshTests.run(["-P", "\(server.port)", "-t", "300ms", "--events", "ALL"]) }
        #expect(inTime)
        #expect(run.status == 5)
        #expect(run.stderr == "eslsh: no reply to 'event plain ALL' within 300 ms\n")
    }

    @Test func aStatsSubscriptionThatTimesOutExitsFive() throws {
        let server = Self.subscriptionServer(nil)
        let run = try EslshTests.run(["-P", "\(server.port)", "-t", "300ms", "--stats"])
        #expect(run.status == 5, "\(run.stderr)")
        #expect(run.stderr.hasPrefix("eslsh: no reply to 'event plain "), "\(run.stderr)")
    }

    @Test func aStatsStreamWhoseSwitchGoesAwayExitsSix() throws {
        let simulator = try EslshTests.simulator()
        Thread.detachNewThread {
            if waitUntil({ simulator.listeningSessions == 1 }) { simulator.stop() }
        }
        let run = try EslshTests.run(["-P", "\(simulator.port)", "--stats"])
        #expect(run.status == 6, "\(run.stderr)")
        #expect(run.stderr.contains("eslsh: connection closed by 127.0.0.1:\(simulator.port)"), "\(run.stderr)")
    }

    // MARK: - Untrusted text

    /// A reply text with an escape sequence and a bell: shown escaped, never raw on the terminal.
    @Test func controlCharactersFromTheServerAreShownEscaped() throws {
        let server = ScriptedServer { peer in
            peer.send("Content-Type: auth/request\n\n")
            _ = peer.readCommand()
            peer.send("Content-Type: command/reply\nReply-Text: -ERR no\u{1B}[2J\u{7}way\n\n")
            peer.holdUntilClosed()
        }
        let run = try EslshTests.run(["-P", "\(server.port)", "-x", "status"])
        #expect(run.status == 4)
        #expect(run.stderr == "eslsh: authentication failed at 127.0.0.1:\(server.port): -ERR no\\x1B[2J\\x07way (wrong password or user?)\n")
    }

    @Test func escapedForDisplayShowsEveryControlCharacter() {
        #expect("a\nb\rc\td\0e\u{1B}f\u{7F}g".escapedForDisplay == "a\\nb\\rc\\td\\0e\\x1Bf\\x7Fg")
        #expect(String(repeating: "x", count: 81).escapedForDisplay == String(repeating: "x", count: 80) + "…")
        #expect("naïve ünïcode".escapedForDisplay == "naïve ünïcode")
    }

    // MARK: - Scripts

    @Test func aConsoleCommandInAScriptIsAnErrorAndTheScriptGoesOn() throws {
        let simulator = try EslshTests.simulator()
        defer { simulator.stop() }
        let run = try EslshTests.run(["-P", "\(simulator.port)"], stdin: "/help\nhostname\n")
        #expect(run.status == 1)
        #expect(run.stderr == "eslsh: /help is a console command; it does nothing in a script\n")
        #expect(run.stdout == "vm\n")
    }

    // MARK: - Profiles

    static func profile(_ text: String) throws -> String {
        let path = NSTemporaryDirectory() + "eslsh-profile-\(UUID().uuidString)"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        chmod(path, 0o600)
        return path
    }

    @Test func anUnknownProfileKeyIsWarnedAboutWithItsLine() throws {
        let simulator = try EslshTests.simulator()
        defer { simulator.stop() }
        let path = try Self.profile("[default]\nport => \(simulator.port)\nbogus-key => 1\n")
        defer { unlink(path) }
        let run = try EslshTests.run(["-x", "hostname"], environment: ["ESLSH_CONFIG": path])
        #expect(run.status == 0)
        #expect(run.stdout == "vm\n")
        #expect(run.stderr == "eslsh: warning: \(path):3: unknown key 'bogus-key' ignored\n")
    }

    @Test func profileKeysTakeEffect() throws {
        let simulator = try EslshTests.simulator()
        defer { simulator.stop() }
        // user: userauth instead of auth; format: the stream's format; loglevel: the log level streamed.
        let path = try Self.profile("[default]\nport => \(simulator.port)\nuser => 1000@default\npassword => 1234\nformat => summary\nloglevel => notice\n")
        defer { unlink(path) }
        Thread.detachNewThread {
            if waitUntil({ simulator.listeningSessions == 1 }) { simulator.originate(destination: "9196") }
        }
        let run = try EslshTests.run(["--events", "CHANNEL_CREATE", "--count", "2"], environment: ["ESLSH_CONFIG": path])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.filter { $0.contains(" CHANNEL_CREATE loopback/9196") }.count == 2, "summary format: \(run.stdout)")
        #expect(!run.stdout.contains("Event-Name: "))
        let wrong = try Self.profile("[default]\nport => \(simulator.port)\nuser => 1000@default\npassword => nope\n")
        defer { unlink(wrong) }
        let refused = try EslshTests.run(["-x", "hostname"], environment: ["ESLSH_CONFIG": wrong])
        #expect(refused.status == 4, "the profile's user was not used: \(refused.stderr)")
    }

    @Test func aProfilesConnectTimeoutIsUsed() throws {
        let server = ScriptedServer { peer in peer.holdUntilClosed() }
        let path = try Self.profile("[default]\nport => \(server.port)\nconnect-timeout => 400\n")
        defer { unlink(path) }
        let run = try EslshTests.run(["-x", "status"], environment: ["ESLSH_CONFIG": path])
        #expect(run.status == 3)
        #expect(run.stderr == "eslsh: 127.0.0.1:\(server.port) accepted the connection but sent no auth/request within 400 ms (is this a FreeSWITCH event socket?)\n")
    }

    // MARK: - Reconnecting

    @Test func reconnectAttemptsAreToldAndBoundedByReconnectMax() throws {
        let simulator = try EslshTests.simulator()
        Thread.detachNewThread {
            if waitUntil({ simulator.listeningSessions == 1 }) { simulator.stop() }
        }
        let run = try EslshTests.run(["-P", "\(simulator.port)", "-R", "--reconnect-max", "2", "--events", "ALL"])
        #expect(run.status == 6, "\(run.stderr)")
        let lines = run.stderr.split(separator: "\n").map(String.init)
        #expect(lines == [
            "eslsh: connection closed by 127.0.0.1:\(simulator.port)",
            "eslsh: reconnect attempt 1 failed: connection refused by 127.0.0.1:\(simulator.port) (is FreeSWITCH running with mod_event_socket listening there?)",
            "eslsh: reconnect attempt 2 failed: connection refused by 127.0.0.1:\(simulator.port) (is FreeSWITCH running with mod_event_socket listening there?)",
        ], "\(run.stderr)")
    }

    @Test func reconnectingStopsAtARejection() throws {
        let first = try EslshTests.simulator()
        let port = first.port
        let second = Mutex<Simulator?>(nil)
        defer { second.withLock { $0?.stop() } }
        Thread.detachNewThread {
            guard waitUntil({ first.listeningSessions == 1 }) else { return }
            first.stop()
            var configuration = SimulatorConfiguration()
            configuration.port = port
            configuration.heartbeatInterval = nil
            configuration.rejectByACL = true
            let started = try? Simulator(configuration)
            second.withLock { $0 = started }
        }
        let run = try EslshTests.run(["-P", "\(port)", "-R", "--events", "ALL"])
        #expect(run.status == 6, "\(run.stderr)")
        let lines = run.stderr.split(separator: "\n").map(String.init)
        #expect(lines.first == "eslsh: connection closed by 127.0.0.1:\(port)")
        // One attempt reached the switch and was refused: no further attempt follows it.
        #expect(lines.count == 2, "\(run.stderr)")
        #expect(lines.last?.hasPrefix("eslsh: reconnect attempt 1 failed: 127.0.0.1:\(port) rejected this client by ACL: Access Denied, go away.") == true)
    }

    // MARK: - Recording and listening

    @Test func aRecordingThatCannotBeCreatedIsAUsageError() throws {
        let simulator = try EslshTests.simulator()
        defer { simulator.stop() }
        let run = try EslshTests.run(["-P", "\(simulator.port)", "--record", "/nonexistent/dir/x.ndjson", "-x", "hostname"])
        #expect(run.status == 2)
        #expect(run.stderr == "eslsh: cannot create recording /nonexistent/dir/x.ndjson: No such file or directory\n")
        #expect(run.stdout.isEmpty, "nothing runs unrecorded")
    }

    /// A peer on the --listen port that answers `connect` with a plain +OK: no call, exit 1.
    @Test func aPeerThatDescribesNoCall() throws {
        let port = ListenModeTests.freePort()
        let eslsh = try LiveProcess(["--listen", "127.0.0.1:\(port)", "--calls", "1", "-t", "5s"])
        eslsh.closeInput()
        #expect(waitUntilListening(port: port))
        let peer = try RawClient(port: port)
        #expect(String(decoding: peer.receive(atLeast: 9), as: UTF8.self) == "connect\n\n")
        peer.send("Content-Type: command/reply\nReply-Text: +OK\n\n")
        let run = eslsh.finish()
        #expect(run.status == 1, "\(run.stderr)")
        #expect(run.stderr.hasSuffix("eslsh: the connecting peer did not describe a call (reply: +OK)\n"), "\(run.stderr)")
    }

    /// `--listen PORT` alone listens on every address, and says on which port.
    @Test func listenTakesABarePort() throws {
        let port = ListenModeTests.freePort()
        let eslsh = try LiveProcess(["--listen", "\(port)", "--calls", "1"])
        eslsh.closeInput()
        #expect(eslsh.waitForOutput("eslsh: listening on port \(port) for FreeSWITCH's socket application\n", onStderr: true), "\(eslsh.stderr)")
        eslsh.signal(SIGTERM)
        _ = eslsh.finish()
    }

    // MARK: - Streamed answers

    /// Answers every `api` command with `body` (streamed by eslsh: it is over 1 MiB).
    static func streamingServer(_ body: [UInt8]) -> ScriptedServer {
        ScriptedServer { peer in
            peer.acceptAuth()
            while let command = peer.readCommand() {
                guard command.hasPrefix("api ") else { continue }
                peer.send("Content-Type: api/response\nContent-Length: \(body.count)\n\n")
                for offset in stride(from: 0, to: body.count, by: 1 << 20) { peer.send(Array(body[offset..<min(offset + (1 << 20), body.count)])) }
            }
        }
    }

    @Test func aStreamedErrIsAFailure() throws {
        let body = Array("-ERR too much\n".utf8) + [UInt8](repeating: 0x78, count: 2 << 20) + [0x0A]
        let server = Self.streamingServer(body)
        let run = try EslshTests.run(["-P", "\(server.port)", "-x", "show everything"])
        #expect(run.status == 1)
        #expect(run.stdout.utf8.count == body.count)
        #expect(run.stdout.hasPrefix("-ERR too much\nxxx"))
        #expect(run.stderr.isEmpty)
    }

    /// Past 32 MiB a streamed answer is not held to be shaped: it is printed as it came, with a note.
    @Test func anAnswerOver32MiBIsPrintedAsItCame() throws {
        let body = Array("uuid,name\n".utf8) + [UInt8](repeating: 0x79, count: (32 << 20) + 10) + Array("\n\n1 total.\n".utf8)
        let server = Self.streamingServer(body)
        let run = try EslshTests.run(["-P", "\(server.port)", "-x", "show channels", "--output", "csv"])
        #expect(run.status == 0)
        #expect(run.stderr == "eslsh: the answer to 'show channels' is over 32 MiB: printed as it came\n")
        #expect(run.stdout.utf8.count == body.count)
        #expect(run.stdout.hasSuffix("yyy\n\n1 total.\n"), "the table was not converted")
    }
}
