import ESLClient
import ESLProtocol
import ESLSimulator
import Foundation
import TestSupport
import Testing

/// The built `eslsh` binary, run as a user would, against the simulator and scripted servers.
@Suite(.timeLimit(.minutes(2))) struct EslshTests {
    struct Run {
        var status: Int32
        var stdout: String
        var stderr: String
    }

    /// eslsh sits next to the test bundle in the build folder.
    static let binary = builtBinary("eslsh")

    /// The test's environment for eslsh: none of the developer's ESL_* settings or profiles, plus `extra`.
    static func environment(_ extra: [String: String]) -> [String: String] {
        var env = ProcessInfo.processInfo.environment
        for key in ["ESL_PASSWORD", "ESL_HOST", "ESL_PORT", "ESL_USER", "NO_COLOR"] { env.removeValue(forKey: key) }
        // No profile from the developer's own files unless a test gives one.
        env["ESLSH_CONFIG"] = "/nonexistent/eslsh-test-config"
        for (key, value) in extra { env[key] = value }
        return env
    }

    static func run(_ arguments: [String], stdin: String? = nil, environment: [String: String] = [:], readDelay: Double = 0,
                    executable: String = binary) throws -> Run {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.environment = Self.environment(environment)
        let out = Pipe(), err = Pipe(), input = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        // A slow reader: eslsh's stdout pipe fills while nobody reads it.
        if readDelay > 0 { Thread.sleep(forTimeInterval: readDelay) }
        // A hang check: a hung eslsh must fail its test, not hang the suite. Generous (every run here
        // ends in seconds), so a loaded machine does not trip it.
        let pid = process.processIdentifier
        let watchdog = DispatchWorkItem { kill(pid, SIGKILL) }
        DispatchQueue.global().asyncAfter(deadline: .now() + 45, execute: watchdog)
        defer { watchdog.cancel() }
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return Run(status: process.terminationStatus, stdout: String(decoding: stdout, as: UTF8.self), stderr: String(decoding: stderr, as: UTF8.self))
    }

    static func simulator(_ change: (inout SimulatorConfiguration) -> Void = { _ in }) throws -> Simulator {
        try testSimulator(change)
    }

    @Test func theBinaryExists() {
        #expect(FileManager.default.isExecutableFile(atPath: Self.binary), "build eslsh first (make test does)")
    }

    @Test func oneShotStatus() throws {
        let simulator = try Self.simulator()
        defer { simulator.stop() }
        let run = try Self.run(["-P", "\(simulator.port)", "-x", "status"])
        #expect(run.status == 0)
        #expect(run.stdout.hasPrefix("UP 0 years, 0 days, 0 hours"))
        #expect(run.stdout.hasSuffix("Current Stack Size/Max 240K/8192K\n"))
        #expect(run.stderr.isEmpty)
        let explicit = try Self.run(["-P", "\(simulator.port)", "-x", "api status"])
        #expect(explicit.status == 0)
        #expect(explicit.stdout.hasPrefix("UP "))
    }

    @Test func repeatedExecuteRunsInOrderOnOneConnection() throws {
        let simulator = try Self.simulator()
        defer { simulator.stop() }
        let run = try Self.run(["-P", "\(simulator.port)", "-x", "hostname", "-x", "version short", "-x", "api switchname"])
        #expect(run.status == 0)
        #expect(run.stdout == "vm\n1.11.3\nvm\n")
    }

    @Test func errReplyExitsOneButTheOthersStillRun() throws {
        let simulator = try Self.simulator()
        defer { simulator.stop() }
        let run = try Self.run(["-P", "\(simulator.port)", "-x", "bogus", "-x", "hostname"])
        #expect(run.status == 1)
        #expect(run.stdout == "-ERR bogus Command not found!\nvm\n")
    }

    @Test func slashCommandsAreESLCommands() throws {
        let simulator = try Self.simulator()
        defer { simulator.stop() }
        let run = try Self.run(["-P", "\(simulator.port)", "-x", "/event plain HEARTBEAT", "-x", "/log error"])
        #expect(run.stdout == "+OK event listener enabled plain\n-ERR invalid log level\n")
        #expect(run.status == 1)
    }

    @Test func wrongPasswordFromTheEnvironment() throws {
        let simulator = try Self.simulator()
        defer { simulator.stop() }
        let run = try Self.run(["-P", "\(simulator.port)", "-x", "status"], environment: ["ESL_PASSWORD": "Wr0ngSecret"])
        #expect(run.status == 4)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr == "eslsh: authentication failed at 127.0.0.1:\(simulator.port): -ERR invalid (wrong password or user?)\n")
        #expect(!run.stderr.contains("Wr0ngSecret"))
        let good = try Self.run(["-P", "\(simulator.port)", "-x", "hostname"], environment: ["ESL_PASSWORD": "ClueCon"])
        #expect(good.status == 0)
    }

    @Test func wrongPasswordOption() throws {
        let simulator = try Self.simulator()
        defer { simulator.stop() }
        let run = try Self.run(["-P", "\(simulator.port)", "-p", "nope", "-x", "status"])
        #expect(run.status == 4)
    }

    @Test func aclRejection() throws {
        let simulator = try Self.simulator { $0.rejectByACL = true }
        defer { simulator.stop() }
        let run = try Self.run(["-P", "\(simulator.port)", "-x", "status"])
        #expect(run.status == 4)
        #expect(run.stderr.contains("rejected this client by ACL: Access Denied, go away."))
    }

    @Test func refusedConnection() throws {
        let server = ScriptedServer(accept: false)
        let port = server.port
        _ = consume server
        let run = try Self.run(["-P", "\(port)", "-x", "status"])
        #expect(run.status == 3)
        #expect(run.stderr == "eslsh: connection refused by 127.0.0.1:\(port) (is FreeSWITCH running with mod_event_socket listening there?)\n")
    }

    @Test func unresolvableHost() throws {
        let run = try Self.run(["-H", "no-such-host.invalid", "-x", "status"])
        #expect(run.status == 3)
        #expect(run.stderr.hasPrefix("eslsh: cannot resolve host 'no-such-host.invalid'"))
    }

    // Usage errors, each with its message: ContractTests.usageErrorsSayWhatIsWrong.

    @Test func helpListsTheExitCodes() throws {
        let run = try Self.run(["--help"])
        #expect(run.status == 0)
        #expect(run.stdout.contains("4 authentication or ACL rejection"))
        #expect(run.stdout.contains("--execute"))
    }

    @Test func replyTimeout() throws {
        let server = ScriptedServer { peer in
            peer.acceptAuth()
            _ = peer.readCommand()
            peer.holdUntilClosed()  // never answers: eslsh must give up by itself
        }
        let (run, inTime) = try HangCheck.run { try Self.run(["-P", "\(server.port)", "-t", "300ms", "-x", "status"]) }
        #expect(inTime, "the reply timeout did not fire")
        #expect(run.status == 5)
        #expect(run.stderr == "eslsh: no reply to 'api status' within 300 ms\n")
    }

    @Test func connectionLost() throws {
        let server = ScriptedServer { peer in
            peer.acceptAuth()
            _ = peer.readCommand()
        }
        let run = try Self.run(["-P", "\(server.port)", "-x", "status", "-x", "version"])
        #expect(run.status == 6)
        #expect(run.stderr == "eslsh: connection closed by 127.0.0.1:\(server.port)\n")
    }

    @Test func aLineBreakCannotSmuggleACommand() throws {
        let simulator = try Self.simulator()
        defer { simulator.stop() }
        let run = try Self.run(["-P", "\(simulator.port)", "-x", "status\n\nexit", "-x", "hostname"])
        #expect(run.status == 1)
        #expect(run.stderr == "eslsh: API command contains a line break; refusing to send it\n")
        #expect(run.stdout == "vm\n")
    }

    @Test func scriptOnStandardInput() throws {
        let simulator = try Self.simulator()
        defer { simulator.stop() }
        let script = """
            # a comment, then a blank line

            hostname
              api version short
            bogus
            /exit
            hostname
            """
        let run = try Self.run(["-P", "\(simulator.port)"], stdin: script)
        #expect(run.stdout == "vm\n1.11.3\n-ERR bogus Command not found!\n")
        #expect(run.status == 1)
    }
}

@Suite struct ManualTests {
    /// docs/eslsh.1 is generated (make man); a new option without a regenerated manual fails here.
    @Test func theManualDocumentsEveryOption() throws {
        let help = try EslshTests.run(["--help"]).stdout
        let manualPath = "\(#filePath)".replacingOccurrences(of: "Tests/EslshTests/EslshTests.swift", with: "docs/eslsh.1")
        let manual = try String(contentsOfFile: manualPath, encoding: .utf8)
        let options = Set(help.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\n" }).filter { $0.hasPrefix("--") && $0.count > 3 }.map { String($0.drop { $0 == "-" }.prefix { $0.isLetter || $0 == "-" }) })
        #expect(options.count > 20)
        for option in options where option != "help" {
            #expect(manual.contains("Fl -\(option)"), "docs/eslsh.1 lacks --\(option): run make man")
        }
        for code in 0...6 { #expect(manual.contains(".It \(code)\n")) }
    }

    /// tmux's client logs (`tmux -v`) once got committed at the root: they are ignored, and none is tracked.
    @Test func noTmuxClientLogIsTracked() throws {
        let root = "\(#filePath)".replacingOccurrences(of: "/Tests/EslshTests/EslshTests.swift", with: "")
        let ignore = try String(contentsOfFile: root + "/.gitignore", encoding: .utf8)
        #expect(ignore.split(separator: "\n").contains("tmux-client-*.log"))
        guard FileManager.default.fileExists(atPath: root + "/.git") else { return }
        let git = Process()
        git.executableURL = URL(fileURLWithPath: "/usr/bin/git")
        git.arguments = ["-C", root, "ls-files", "--", "tmux-client-*.log", "*/tmux-client-*.log"]
        let out = Pipe()
        git.standardOutput = out
        try git.run()
        let tracked = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        git.waitUntilExit()
        #expect(tracked.isEmpty, "\(tracked)")
    }

    /// The page as `man` shows it: no mdoc warnings, every option of --help in its list (and none
    /// that --help lacks), examples that can be pasted, a synopsis that needs no subcommand.
    @Test func theRenderedManualMatchesHelp() throws {
        let manualPath = "\(#filePath)".replacingOccurrences(of: "Tests/EslshTests/EslshTests.swift", with: "docs/eslsh.1")
        let groff = Process()
        groff.executableURL = URL(fileURLWithPath: "/usr/bin/groff")
        groff.arguments = ["-ww", "-mandoc", "-Tutf8", "-P-c", "-P-b", "-P-u", manualPath]
        groff.environment = ["PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"]
        let out = Pipe(), err = Pipe()
        groff.standardOutput = out
        groff.standardError = err
        try groff.run()
        let page = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let warnings = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        groff.waitUntilExit()
        #expect(warnings.isEmpty, "groff -ww: \(warnings)")
        // Option names at the start of a list item: `  -H, --host <host>   Host …` (help), `     -H, --host host...` (man).
        func itemOptions(_ text: String, from start: String, to end: String) -> Set<String> {
            guard let from = text.range(of: start), let to = text.range(of: end, range: from.upperBound..<text.endIndex) else { return [] }
            var names = Set<String>()
            for line in text[from.upperBound..<to.lowerBound].split(separator: "\n") where line.drop(while: { $0 == " " }).hasPrefix("-") {
                let tag = line.drop(while: { $0 == " " }).components(separatedBy: "  ").first ?? ""
                for word in tag.split(whereSeparator: { $0 == " " || $0 == "," }) where word.hasPrefix("--") {
                    names.insert(String(word.prefix { $0.isLetter || $0 == "-" }))
                }
            }
            return names
        }
        let help = try EslshTests.run(["--help"]).stdout
        // The manual documents `eslsh replay` too.
        let replay = try EslshTests.run(["replay", "--help"]).stdout + "\nEND"
        let helpOptions = itemOptions(help, from: "\nOPTIONS:\n", to: "\nSUBCOMMANDS:").union(itemOptions(replay, from: "\nOPTIONS:\n", to: "\nEND"))
        let manOptions = itemOptions(page, from: "\nDESCRIPTION\n", to: "\nLINE GRAMMAR")
        #expect(helpOptions.count > 40)
        #expect(manOptions == helpOptions, "only in help: \(helpOptions.subtracting(manOptions)); only in the manual: \(manOptions.subtracting(helpOptions))")
        #expect(page.contains("eslsh -x \"show calls count\" -x version"), "examples keep their quotes")
        let synopsis = page.components(separatedBy: "\nSYNOPSIS\n").last?.split(separator: "\n").first ?? ""
        #expect(synopsis.trimmingCharacters(in: .whitespaces).hasPrefix("eslsh [profile]"), "\(synopsis)")
        #expect(page.contains("eslsh replay [options] file"))
    }
}
