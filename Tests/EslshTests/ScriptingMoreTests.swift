import ESLClient
import ESLProtocol
import ESLSimulator
import Foundation
import TestSupport
import Synchronization
import Testing

/// More of the scripting contract: interrupts, log lines in streams, the password prompt, userauth,
/// where profiles come from, and what a reconnect does to a command in flight.
@Suite(.timeLimit(.minutes(1))) struct ScriptingMoreTests {
    @Test func ctrlCEndsAStreamWithZero() throws {
        let simulator = try EslshTests.simulator()
        defer { simulator.stop() }
        let eslsh = try LiveProcess(["-P", "\(simulator.port)", "--events", "ALL"])
        #expect(waitUntil { simulator.listeningSessions == 1 }, "the stream never subscribed")
        eslsh.signal(SIGINT)
        let run = eslsh.finish()
        #expect(run.exited)
        #expect(run.status == 0)
        #expect(run.stderr.isEmpty)
    }

    @Test func logLinesInAStream() throws {
        let simulator = try EslshTests.simulator()
        defer { simulator.stop() }
        Thread.detachNewThread {
            // `log` follows `event`: the call starts once both were taken.
            if waitUntil({ simulator.loggingSessions == 1 }) { simulator.originate(destination: "9196") }
        }
        let run = try EslshTests.run(["-P", "\(simulator.port)", "--events", "CHANNEL_CREATE", "--log", "notice", "--count", "2", "--format", "summary"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("[NOTICE] switch_channel.c:1143 New Channel loopback/9196/default-a"))
        #expect(!run.stdout.contains("[DEBUG]"))
        #expect(run.stdout.split(separator: "\n").filter { $0.contains(" CHANNEL_CREATE ") }.count == 2)
    }

    @Test func askPasswordReadsTheTerminalWithoutEcho() throws {
        let simulator = try EslshTests.simulator { $0.password = "T0pSecret" }
        defer { simulator.stop() }
        // script(1) gives eslsh a terminal; the password is typed into it.
        let command = "\(EslshTests.binary) -P \(simulator.port) --ask-password -x hostname"
        let script = try LiveProcess(["-qec", command, "/dev/null"], environment: ["TERM": "dumb"], executable: "/usr/bin/script")
        #expect(script.waitForOutput("Password for the switch: "), "no prompt: \(script.stdout)")
        script.write("T0pSecret\n")
        // script(1) ends when eslsh does; it must not see the end of its input before eslsh read the line.
        #expect(script.waitForOutput("vm"), "\(script.stdout)")
        let run = script.finish()
        let text = run.stdout + run.stderr
        #expect(run.status == 0, "\(text)")
        #expect(text.contains("Password for the switch: "))
        #expect(text.contains("vm"))
        #expect(!text.contains("T0pSecret"))
    }

    @Test func askPasswordWithoutATerminalIsAUsageError() throws {
        // setsid(1) detaches eslsh from any controlling terminal, so /dev/tty cannot be opened.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setsid")
        process.arguments = ["-w", EslshTests.binary, "--ask-password", "-x", "status"]
        process.environment = ["ESLSH_CONFIG": "/nonexistent"]
        let err = Pipe()
        process.standardError = err
        process.standardOutput = FileHandle.nullDevice
        process.standardInput = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        #expect(process.terminationStatus == 2)
        #expect(String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            == "eslsh: --ask-password needs a terminal (/dev/tty); use ESL_PASSWORD or a profile instead\n")
    }

    @Test func userauthThroughTheBinary() throws {
        let simulator = try EslshTests.simulator()
        defer { simulator.stop() }
        let good = try EslshTests.run(["-P", "\(simulator.port)", "-u", "1000@default", "-x", "hostname"], environment: ["ESL_PASSWORD": "1234"])
        #expect(good.stdout == "vm\n")
        let bad = try EslshTests.run(["-P", "\(simulator.port)", "-u", "1000@default", "-p", "nope", "-x", "hostname"])
        #expect(bad.status == 4)
    }

    @Test func eslshsOwnConfigBeatsFsClis() throws {
        let simulator = try EslshTests.simulator()
        defer { simulator.stop() }
        let home = NSTemporaryDirectory() + "eslsh-home-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: home + "/.config/eslsh", withIntermediateDirectories: true)
        try "[default]\nport => 1\n".write(toFile: home + "/.fs_cli_conf", atomically: true, encoding: .utf8)
        try "[default]\nport => \(simulator.port)\n".write(toFile: home + "/.config/eslsh/config", atomically: true, encoding: .utf8)
        let run = try EslshTests.run(["-x", "hostname"], environment: ["ESLSH_CONFIG": "", "HOME": home, "XDG_CONFIG_HOME": ""])
        #expect(run.stdout == "vm\n")
    }

    @Test func aCommandInFlightWhenTheConnectionDropsIsNotResent() throws {
        let inFlight = Gate()
        let first = try EslshTests.simulator { $0.onAPI = { line in if line.hasPrefix("msleep") { inFlight.open() } } }
        let port = first.port
        let second = Mutex<Simulator?>(nil)
        defer { second.withLock { $0?.stop() } }
        let step = BackgroundStep()
        Thread.detachNewThread {
            // `msleep 3000` is in flight when the switch goes away; another comes up on the same port.
            guard inFlight.wait() else { return }
            first.stop()
            var configuration = SimulatorConfiguration()
            configuration.port = port
            configuration.heartbeatInterval = nil
            step.run("the second switch") {
                let started = try Simulator(configuration)
                second.withLock { $0 = started }
            }
        }
        let run = try EslshTests.run(["-P", "\(port)", "-R", "--reconnect-max", "5", "-x", "msleep 3000", "-x", "version short"])
        #expect(step.error == nil)
        #expect(run.stdout == "1.11.3\n", "\(run.stderr)")
        #expect(run.status == 6)
        #expect(run.stderr.hasPrefix("eslsh: connection closed by 127.0.0.1:\(port)\n"))
        #expect(run.stderr.contains("reconnected after "))
    }
}

@Suite(.timeLimit(.minutes(1))) struct CallControlTests {
    @Test func executeAndHangupFromTheCommandLine() throws {
        let simulator = try EslshTests.simulator()
        defer { simulator.stop() }
        let uuid = simulator.originate(destination: "9196")
        let run = try EslshTests.run(["-P", "\(simulator.port)", "-x", "/execute \(uuid) playback tone_stream://%(200,0,440)",
                                      "-x", "/hangup \(uuid) USER_BUSY", "-x", "show calls count", "-x", "/hangup \(uuid)"])
        let lines = run.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        #expect(lines.count == 7, "\(run.stdout)")
        #expect(lines[0] == "+OK")
        // The execute is followed to its CHANNEL_EXECUTE_COMPLETE before the next line runs.
        #expect(lines[1].hasPrefix("[playback tone_stream://%(200,0,440) on \(uuid.prefix(8))] done in "))
        #expect(Array(lines[2...]) == ["+OK", "", "0 total.", "-ERR invalid session id [\(uuid)]", ""])
        #expect(run.status == 1)
    }
}

@Suite(.timeLimit(.minutes(1))) struct InjectionTests {
    /// A carriage return inside a profile's password could end the auth line and start another
    /// command; it is refused before anything is sent.
    @Test func aProfilePasswordWithALineBreakIsNeverSent() throws {
        let simulator = try EslshTests.simulator()
        defer { simulator.stop() }
        let path = NSTemporaryDirectory() + "eslsh-inject-\(UUID().uuidString)"
        try "[default]\nport => \(simulator.port)\npassword => ClueCon\rapi hupall\n".write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        let run = try EslshTests.run(["-x", "hostname"], environment: ["ESLSH_CONFIG": path])
        #expect(run.status == 4)
        #expect(run.stderr == "eslsh: invalid credentials: password contains a line break; refusing to send it\n")
        #expect(run.stdout.isEmpty)
    }

    @Test func configFilesWithCRLFLineEndingsWork() throws {
        let simulator = try EslshTests.simulator()
        defer { simulator.stop() }
        let path = NSTemporaryDirectory() + "eslsh-crlf-\(UUID().uuidString)"
        try "[default]\r\nport => \(simulator.port)\r\npassword => ClueCon\r\n".write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
        let run = try EslshTests.run(["-x", "hostname"], environment: ["ESLSH_CONFIG": path])
        #expect(run.stdout == "vm\n", "\(run.stderr)")
    }

    @Test func aScriptLineWithACarriageReturnInsideIsRefused() throws {
        let simulator = try EslshTests.simulator()
        defer { simulator.stop() }
        let run = try EslshTests.run(["-P", "\(simulator.port)"], stdin: "status\rapi hupall\nhostname\r\n")
        #expect(run.status == 1)
        #expect(run.stderr == "eslsh: API command contains a line break; refusing to send it\n")
        // A CRLF line ending is only a line ending.
        #expect(run.stdout == "vm\n")
    }
}
