import ESLClient
import ESLProtocol
import ESLSimulator
import Foundation
import TestSupport
import Synchronization
import Testing

/// The scripting contract: scripts, bail, background jobs, event streams, profiles, secrets, reconnect.
@Suite(.timeLimit(.minutes(1))) struct ScriptingTests {
    typealias Run = EslshTests.Run

    func run(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:], readDelay: Double = 0) throws -> Run {
        try EslshTests.run(arguments, stdin: stdin, environment: environment, readDelay: readDelay)
    }

    func temporaryFile(_ text: String, mode: Int = 0o600) throws -> String {
        let path = NSTemporaryDirectory() + "eslsh-test-\(UUID().uuidString)"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        return path
    }

    @Test func bailStopsAtTheFirstFailure() throws {
        let simulator = try EslshTests.simulator()
        defer { simulator.stop() }
        let script = "hostname\nbogus\nversion short\n"
        let all = try run(["-P", "\(simulator.port)"], stdin: script)
        #expect(all.stdout == "vm\n-ERR bogus Command not found!\n1.11.3\n")
        #expect(all.status == 1)
        let bail = try run(["-P", "\(simulator.port)", "--bail"], stdin: script)
        #expect(bail.stdout == "vm\n-ERR bogus Command not found!\n")
        #expect(bail.status == 1)
        let short = try run(["-P", "\(simulator.port)", "-e", "-x", "bogus", "-x", "hostname"])
        #expect(short.stdout == "-ERR bogus Command not found!\n")
    }

    @Test func scriptFromAFile() throws {
        let simulator = try EslshTests.simulator()
        defer { simulator.stop() }
        let path = try temporaryFile("# checks\nhostname\n\napi version short\n")
        let run = try run(["-P", "\(simulator.port)", "-f", path])
        #expect(run.stdout == "vm\n1.11.3\n")
        #expect(run.status == 0)
        let missing = try self.run(["-P", "\(simulator.port)", "-f", "/nonexistent/script"])
        #expect(missing.status == 2)
        #expect(missing.stderr == "eslsh: cannot read /nonexistent/script: No such file or directory\n")
    }

    @Test func backgroundJobsPrintTheirResultAndExitCode() throws {
        let simulator = try EslshTests.simulator()
        defer { simulator.stop() }
        let run = try run(["-P", "\(simulator.port)", "-x", "bgapi version short", "-x", "bgapi hostname"])
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines[0].hasPrefix("+OK Job-UUID: "))
        #expect(lines[2...] == ["1.11.3", "vm"])
        #expect(run.status == 0)
        let failing = try self.run(["-P", "\(simulator.port)", "-x", "bgapi bogus_command"])
        #expect(failing.status == 1)
        #expect(failing.stdout.hasSuffix("-ERR bogus_command Command not found!\n"))
    }

    @Test func eventsAsNDJSONParseBack() throws {
        let simulator = try EslshTests.simulator { $0.callInterval = .milliseconds(100); $0.callDuration = .milliseconds(200) }
        defer { simulator.stop() }
        let run = try run(["-P", "\(simulator.port)", "--events", "ALL", "--format", "ndjson", "--count", "10", "--timestamps"])
        #expect(run.status == 0)
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count == 10)
        for line in lines {
            let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            #expect(object["Event-Name"] is String)
            #expect(object["_received"] is String)
        }
    }

    @Test func eventsWithAServerSideFilter() throws {
        let simulator = try EslshTests.simulator { $0.callInterval = .milliseconds(100); $0.callDuration = .milliseconds(200) }
        defer { simulator.stop() }
        let run = try run(["-P", "\(simulator.port)", "--events", "ALL", "--filter", "Event-Name=CHANNEL_ANSWER", "--count", "4", "--format", "headers"])
        #expect(run.status == 0)
        let names = run.stdout.split(separator: "\n").filter { $0.hasPrefix("Event-Name: ") }
        #expect(names == Array(repeating: "Event-Name: CHANNEL_ANSWER", count: 4))
    }

    @Test func filtersAreInPlaceBeforeTheSubscription() throws {
        // Sent after `event`, a filter would let through what a busy switch emits in between.
        let commands = Locked<[String]>([])
        let server = ScriptedServer { peer in
            peer.acceptAuth()
            while let command = peer.readCommand() {
                commands.withLock { $0.append(command.trimmingCharacters(in: .newlines)) }
                peer.send("Content-Type: command/reply\nReply-Text: +OK\n\n")
                if command.hasPrefix("event ") { break }
            }
            peer.send("Content-Type: text/disconnect-notice\nContent-Length: 0\n\n")
            peer.close()
        }
        _ = try run(["-P", "\(server.port)", "--events", "ALL", "--filter", "Event-Name=CHANNEL_ANSWER", "--filter", "Caller-Context=default"])
        #expect(commands.withLock { $0 } == ["filter Event-Name CHANNEL_ANSWER", "filter Caller-Context default", "event plain ALL"])
    }

    @Test func eventsOfOneCall() throws {
        let simulator = try EslshTests.simulator()
        defer { simulator.stop() }
        let uuid = simulator.originate(destination: "9196")
        let other = simulator.originate(destination: "1000")
        let step = BackgroundStep()
        Thread.detachNewThread {
            guard waitUntil({ simulator.listeningSessions == 1 }) else { return }
            step.run("hupall") { _ = try Connection.open(ConnectOptions(port: simulator.port)).send(.api("hupall")) }
        }
        let run = try run(["-P", "\(simulator.port)", "--events", "ALL", "--uuid", uuid, "--format", "plain"])
        #expect(step.error == nil)
        #expect(run.status == 0)
        let ids = run.stdout.split(separator: "\n").filter { $0.hasPrefix("Unique-ID: ") }
        #expect(!ids.isEmpty)
        #expect(ids.allSatisfy { $0 == "Unique-ID: \(uuid)" })
        #expect(!run.stdout.contains(other))
        #expect(run.stderr.contains("server: Disconnected, goodbye."))
    }

    @Test func aSlowReaderCostsCountedDropsNotAStalledSwitch() throws {
        let simulator = try EslshTests.simulator { $0.callInterval = .milliseconds(10); $0.callDuration = .milliseconds(20) }
        defer { simulator.stop() }
        // While eslsh's stdout is not read, another client must still get answers from the switch.
        let answered = ManagedAtomicFlag()
        Thread.detachNewThread {
            // Once eslsh streams (and, with nobody reading, its pipe fills), the switch must still answer.
            guard waitUntil({ simulator.listeningSessions == 1 }) else { return }
            if let connection = try? Connection.open(ConnectOptions(port: simulator.port)),
               (try? connection.send(.api("hostname"), timeout: .seconds(2)))?.text == "vm" {
                answered.set()
            }
        }
        let run = try run(["-P", "\(simulator.port)", "--events", "ALL", "--buffer", "50", "--count", "3000", "--format", "plain"], readDelay: 2.0)
        #expect(run.status == 0)
        let markers = run.stdout.split(separator: "\n").filter { $0.hasPrefix("[eslsh: ") && $0.hasSuffix(" events or log lines dropped: output too slow]") }
        #expect(!markers.isEmpty)
        let total = markers.compactMap { Int($0.dropFirst(8).prefix { $0 != " " }) }.reduce(0, +)
        #expect(run.stderr.contains("eslsh: \(total) events or log lines were dropped in all: output too slow"))
        #expect(answered.isSet)
    }

    @Test func aNormalDisconnectEndsTheStreamWithZero() throws {
        let server = ScriptedServer { peer in
            peer.acceptAuth()
            _ = peer.readCommand()
            peer.send("Content-Type: command/reply\nReply-Text: +OK event listener enabled plain\n\n")
            let body = "Event-Name: HEARTBEAT\nEvent-Info: System%20Ready\n\n"
            peer.send("Content-Length: \(body.utf8.count)\nContent-Type: text/event-plain\n\n\(body)")
            let notice = DisconnectNotice.goodbyeText
            peer.send("Content-Type: text/disconnect-notice\nContent-Length: \(notice.utf8.count)\n\n\(notice)")
        }
        let run = try run(["-P", "\(server.port)", "--events", "HEARTBEAT", "--format", "headers"])
        #expect(run.status == 0)
        #expect(run.stdout == "Event-Name: HEARTBEAT\nEvent-Info: System Ready\n\n")
    }

    @Test func aLostStreamExitsSix() throws {
        let server = ScriptedServer { peer in
            peer.acceptAuth()
            _ = peer.readCommand()
            peer.send("Content-Type: command/reply\nReply-Text: +OK event listener enabled plain\n\n")
        }
        let run = try run(["-P", "\(server.port)", "--events", "HEARTBEAT"])
        #expect(run.status == 6)
        #expect(run.stderr == "eslsh: connection closed by 127.0.0.1:\(server.port)\n")
    }

    @Test func reconnectRestoresTheSubscription() throws {
        var configuration = SimulatorConfiguration()
        configuration.port = 0
        configuration.heartbeatInterval = nil
        let first = try Simulator(configuration)
        let port = first.port
        var again = configuration
        again.port = port
        again.hostname = "second"
        again.heartbeatInterval = .milliseconds(200)
        let second = Mutex<Simulator?>(nil)
        defer { second.withLock { $0?.stop() } }
        let secondConfiguration = again
        let step = BackgroundStep()
        Thread.detachNewThread {
            // One heartbeat from the first switch once eslsh subscribed, then it goes; the second comes up
            // on the same port and must get the subscription again to send its own.
            guard waitUntil({ first.listeningSessions == 1 }) else { return }
            first.fire(Event(headers: Headers([Header("Event-Name", "HEARTBEAT"), Header("FreeSWITCH-Hostname", "eslsim")])))
            first.stop()
            step.run("the second switch") {
                let started = try Simulator(secondConfiguration)
                second.withLock { $0 = started }
            }
        }
        let run = try run(["-P", "\(port)", "-R", "--events", "HEARTBEAT", "--format", "headers", "--count", "6"])
        #expect(step.error == nil)
        #expect(run.status == 0)
        #expect(run.stderr.contains("reconnected after "))
        #expect(run.stderr.contains(" s — events in between were missed"))
        #expect(run.stdout.contains("FreeSWITCH-Hostname: eslsim"))
        #expect(run.stdout.contains("FreeSWITCH-Hostname: second"))
    }

    @Test func retryTheFirstConnection() throws {
        let server = ScriptedServer(accept: false)
        let port = server.port
        _ = consume server
        // The switch comes up only once eslsh said it failed once and will retry.
        let eslsh = try LiveProcess(["-P", "\(port)", "--retries", "5", "-x", "hostname"])
        #expect(eslsh.waitForOutput("retrying (1/5)", onStderr: true), "\(eslsh.stderr)")
        var configuration = SimulatorConfiguration()
        configuration.port = port
        configuration.heartbeatInterval = nil
        let simulator = try Simulator(configuration)
        defer { simulator.stop() }
        let run = eslsh.finish()
        #expect(run.status == 0)
        #expect(run.stdout == "eslsim\n")
    }

    @Test func profilesAndPrecedence() throws {
        let simulator = try EslshTests.simulator()
        defer { simulator.stop() }
        let config = try temporaryFile("""
            # eslsh profiles
            [default]
            host => 127.0.0.1
            port => 1
            [lab]
            port = \(simulator.port) ;; the simulator
            password => ClueCon
            timeout => 5000
            """)
        let env = ["ESLSH_CONFIG": config]
        #expect(try run(["lab", "-x", "hostname"], environment: env).stdout == "vm\n")
        // The default profile points at port 1; the environment beats it, the command line beats both.
        #expect(try run(["-x", "hostname"], environment: env).status == 3)
        #expect(try run(["-x", "hostname"], environment: env.merging(["ESL_PORT": "\(simulator.port)"]) { $1 }).stdout == "vm\n")
        #expect(try run(["-P", "\(simulator.port)", "-x", "hostname"], environment: env.merging(["ESL_PORT": "2"]) { $1 }).stdout == "vm\n")
        let unknown = try run(["nope", "-x", "hostname"], environment: env)
        #expect(unknown.status == 2)
        #expect(unknown.stderr == "eslsh: \(config): no profile named 'nope' (profiles: default, lab)\n")
        let list = try run(["--list-profiles"], environment: env)
        #expect(list.stdout == "# \(config)\ndefault\t127.0.0.1:1\nlab\t127.0.0.1:\(simulator.port)\n")
    }

    @Test func fsCliConfigIsReadWhenEslshHasNone() throws {
        let simulator = try EslshTests.simulator()
        defer { simulator.stop() }
        let home = NSTemporaryDirectory() + "eslsh-home-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        try "[default]\nhost => 127.0.0.1\nport => \(simulator.port)\npassword => ClueCon\ndebug => 2\nkey_F1 => help\n__END__\nthis is not parsed\n"
            .write(toFile: home + "/.fs_cli_conf", atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: home + "/.fs_cli_conf")
        let env = ["ESLSH_CONFIG": "", "HOME": home, "XDG_CONFIG_HOME": home + "/none"]
        let run = try run(["-x", "hostname"], environment: env)
        #expect(run.stdout == "vm\n")
        #expect(run.stderr.isEmpty)
    }

    @Test func badConfigFilesAreOneLineErrors() throws {
        let outside = try temporaryFile("host => x\n")
        let run = try run(["-x", "hostname"], environment: ["ESLSH_CONFIG": outside])
        #expect(run.status == 2)
        #expect(run.stderr == "eslsh: \(outside):1: 'host' is outside any [profile] section\n")
        let badPort = try temporaryFile("[default]\nport => eighty\n")
        let port = try self.run(["-x", "hostname"], environment: ["ESLSH_CONFIG": badPort])
        #expect(port.status == 2)
        #expect(port.stderr == "eslsh: \(badPort):2: port must be a number in 1-65535, not 'eighty'\n")
    }

    @Test func aReadablePasswordIsWarnedAboutUnlessQuiet() throws {
        let simulator = try EslshTests.simulator()
        defer { simulator.stop() }
        let config = try temporaryFile("[default]\nport => \(simulator.port)\npassword => ClueCon\n", mode: 0o644)
        let loud = try run(["-x", "hostname"], environment: ["ESLSH_CONFIG": config])
        #expect(loud.stdout == "vm\n")
        #expect(loud.stderr == "eslsh: warning: \(config) holds a password and is readable by others (chmod 600 \(config))\n")
        let quiet = try run(["--errors-only", "-x", "hostname"], environment: ["ESLSH_CONFIG": config])
        #expect(quiet.stderr.isEmpty)
    }

    @Test func thePasswordNeverAppearsInTheTrace() throws {
        let simulator = try EslshTests.simulator { $0.password = "S3cretPW" }
        defer { simulator.stop() }
        let run = try run(["-P", "\(simulator.port)", "--debug", "1", "-x", "hostname"], environment: ["ESL_PASSWORD": "S3cretPW"])
        #expect(run.status == 0)
        #expect(run.stderr.contains("eslsh: trace: > auth ********\n"))
        #expect(run.stderr.contains("eslsh: trace: < command/reply +OK accepted\n"))
        #expect(!run.stderr.contains("S3cretPW"))
        #expect(!run.stdout.contains("S3cretPW"))
    }

    @Test(arguments: [
        ["--events", "ALL", "-x", "status"], ["--count", "3"], ["--events", " "], ["--filter", "novalue", "--events", "ALL"],
        ["-p", "x", "--ask-password"], ["--retries", "-1"], ["--color", "sometimes"], ["--format", "yaml"],
        ["--bogus"], ["--format", "bogus"], ["replay"], ["replay", "--speed", "0", "x"], ["-P", "0"], ["-d", "9"],
    ])
    func moreUsageErrors(arguments: [String]) throws {
        let run = try run(arguments)
        #expect(run.status == 2)
        // One line, no usage or help after it (it was 4 lines for --bogus, 12 for --format bogus, the
        // whole help for `eslsh replay`).
        let lines = run.stderr.split(separator: "\n")
        #expect(lines.count == 1, "\(run.stderr)")
        #expect(lines.first?.hasPrefix("eslsh") == true)
        #expect(run.stdout.isEmpty)
    }

    /// A mistyped long option: one line, and one more with the nearest option.
    @Test func aMistypedOptionGetsOneSuggestion() throws {
        let run = try run(["--evnets", "ALL"])
        #expect(run.status == 2)
        #expect(run.stderr == "eslsh: Unknown option '--evnets'. See 'eslsh --help'.\nDid you mean '--events'?\n")
    }
}

/// A flag set from another thread.
final class ManagedAtomicFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.lock(); value = true; lock.unlock() }
    var isSet: Bool { lock.lock(); defer { lock.unlock() }; return value }
}
