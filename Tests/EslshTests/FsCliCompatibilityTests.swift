import ESLProtocol
import ESLSimulator
import Foundation
import TestSupport
import Testing

/// fs_cli's command line with fs_cli's meaning, each option through the binary against the simulator;
/// a symlink named fs_cli; fs_cli's profile keys.
@Suite(.timeLimit(.minutes(1))) struct FsCliCompatibilityTests {
    /// fs_cli's options (reference 1.1, getopt string `H:P:u:p:d:x:l:USt:T:qQrRhib?ns:`): short, long,
    /// whether it takes a value.
    static let fsCliOptions: [(short: String, long: String?, value: Bool)] = [
        ("H", "host", true), ("P", "port", true), ("u", "user", true), ("p", "password", true), ("d", "debug", true),
        ("x", "execute", true), ("l", "loglevel", true), ("U", "log-uuid", false), ("S", "log-uuid-short", false),
        ("t", "timeout", true), ("T", "connect-timeout", true), ("q", "quiet", false), ("Q", "no-history-file", false),
        ("r", "retry", false), ("R", "reconnect", false), ("h", "help", false), ("i", "interrupt", false),
        ("b", "batchmode", false), ("?", nil, false), ("n", "no-color", false), ("s", "set-log-uuid", true),
    ]

    /// Every fs_cli option is declared, short and long names on the same option, a value where fs_cli
    /// takes one (read from the declarations themselves, as --help and the man page are).
    @Test func theOptionSetIsFsClis() throws {
        let dump = try EslshTests.run(["--experimental-dump-help"])
        let json = try JSONSerialization.jsonObject(with: Data(dump.stdout.utf8)) as? [String: Any]
        let arguments = (json?["command"] as? [String: Any])?["arguments"] as? [[String: Any]] ?? []
        var declared: [(names: Set<String>, kind: String)] = []
        for argument in arguments {
            let names = (argument["names"] as? [[String: String]] ?? []).map { ($0["kind"] == "short" ? "-" : "--") + ($0["name"] ?? "") }
            declared.append((Set(names), argument["kind"] as? String ?? ""))
        }
        #expect(declared.count > 30)
        for option in Self.fsCliOptions {
            let found = declared.first { $0.names.contains("-" + option.short) }
            #expect(found != nil, "-\(option.short) is not declared")
            if let long = option.long { #expect(found?.names.contains("--" + long) == true, "-\(option.short) is not --\(long)") }
            #expect((found?.kind == "option") == option.value, "-\(option.short): \(found?.kind ?? "?")")
        }
        #expect(Self.fsCliOptions.count == 21)
    }

    @Test func hostPortPasswordAndExecuteShortAndLong() throws {
        let simulator = try EslshTests.simulator { $0.password = "Sesame" }
        defer { simulator.stop() }
        let short = try EslshTests.run(["-H", "127.0.0.1", "-P", "\(simulator.port)", "-p", "Sesame", "-x", "hostname"])
        #expect(short.status == 0)
        #expect(short.stdout == "vm\n")
        let long = try EslshTests.run(["--host", "127.0.0.1", "--port", "\(simulator.port)", "--password", "Sesame", "--execute", "hostname"])
        #expect(long.stdout == "vm\n")
        let wrong = try EslshTests.run(["-P", "\(simulator.port)", "-p", "nope", "-x", "hostname"])
        #expect(wrong.status == 4)
    }

    @Test(arguments: [["-u", "1000@vm"], ["--user", "1000@vm"]])
    func userAuthenticatesWithUserauth(arguments: [String]) throws {
        let simulator = try EslshTests.simulator()
        defer { simulator.stop() }
        let run = try EslshTests.run(["-P", "\(simulator.port)", "-d", "1", "-x", "hostname"] + arguments)
        #expect(run.stderr.contains("eslsh: trace: > userauth 1000@vm:********"), "\(run.stderr)")
    }

    @Test(arguments: ["-d", "--debug"])
    func debugTracesTheProtocol(option: String) throws {
        let simulator = try EslshTests.simulator()
        defer { simulator.stop() }
        let run = try EslshTests.run(["-P", "\(simulator.port)", option, "1", "-x", "hostname"])
        #expect(run.stdout == "vm\n")
        #expect(run.stderr.contains("eslsh: trace: > api hostname\n"))
        #expect(!run.stderr.contains("ClueCon"))
    }

    /// `-b`: standard input without the editor, starting with `log <level>` (`-l`), or none (`-q`);
    /// `-S`/`-U` prefix the log lines with their call's UUID; `-s` keeps one call's lines.
    @Test func batchModeWithLogLevelUUIDPrefixesAndFilter() throws {
        let simulator = try EslshTests.simulator()
        defer { simulator.stop() }
        let call = "originate loopback/9196/default &park\nmsleep 300\nhupall\nmsleep 300\n"
        let notice = try EslshTests.run(["-P", "\(simulator.port)", "--batchmode", "--loglevel", "notice", "-S"], stdin: call)
        #expect(notice.status == 0)
        let lines = notice.stdout.split(separator: "\n")
        #expect(lines.first == "+OK log level notice [5]")
        let logs = lines.filter { $0.contains("[NOTICE]") }
        #expect(logs.count >= 4)
        #expect(logs.allSatisfy { $0.count > 9 && $0.dropFirst(8).hasPrefix(" 20") }, "\(logs)")
        #expect(!notice.stdout.contains("[DEBUG]"))
        let full = try EslshTests.run(["-P", "\(simulator.port)", "-b", "-l", "notice", "--log-uuid"], stdin: call)
        let uuid = full.stdout.split(separator: "\n").first { $0.hasPrefix("+OK ") && $0.count == 40 }.map { String($0.dropFirst(4)) } ?? "?"
        #expect(full.stdout.contains("\n\(uuid) 20"), "\(full.stdout)")
        // -s: only the A leg's lines (lines of no call would pass; these all belong to a leg).
        let aLeg = try EslshTests.run(["-P", "\(simulator.port)", "-b", "-l", "notice", "-U", "--set-log-uuid", "nobody"], stdin: call)
        #expect(!aLeg.stdout.contains("[NOTICE]"), "\(aLeg.stdout)")
        let quiet = try EslshTests.run(["-P", "\(simulator.port)", "-b", "-q"], stdin: call)
        #expect(!quiet.stdout.contains("log level"))
        #expect(!quiet.stdout.contains("[NOTICE]") && !quiet.stdout.contains("[DEBUG]"))
        let quietLong = try EslshTests.run(["-P", "\(simulator.port)", "-b", "--quiet"], stdin: "hostname\n")
        #expect(quietLong.stdout == "vm\n")
    }

    /// `-t` and `--timeout` in milliseconds: a reply slower than that is exit 5.
    @Test(arguments: ["-t", "--timeout"])
    func replyTimeoutInMilliseconds(option: String) throws {
        let simulator = try EslshTests.simulator()
        defer { simulator.stop() }
        let run = try EslshTests.run(["-P", "\(simulator.port)", option, "300", "-x", "msleep 3000"])
        #expect(run.status == 5)
        #expect(try EslshTests.run(["-P", "\(simulator.port)", option, "3000", "-x", "msleep 10"]).status == 0)
    }

    /// `-T` and `--connect-timeout` in milliseconds: a server that never greets is exit 3.
    @Test(arguments: ["-T", "--connect-timeout"])
    func connectTimeoutInMilliseconds(option: String) throws {
        let silent = ScriptedServer { peer in _ = peer.readCommand() }
        let run = try EslshTests.run(["-P", "\(silent.port)", option, "300", "-x", "status"])
        #expect(run.status == 3)
    }

    @Test(arguments: ["-n", "--no-color"])
    func noColour(option: String) throws {
        let simulator = try EslshTests.simulator()
        defer { simulator.stop() }
        let coloured = try EslshTests.run(["-P", "\(simulator.port)", "--color", "always", "-x", "bogus"])
        #expect(coloured.stdout.contains("\u{1B}["))
        let plain = try EslshTests.run(["-P", "\(simulator.port)", "--color", "always", option, "-x", "bogus"])
        #expect(plain.stdout == "-ERR bogus Command not found!\n")
    }

    @Test(arguments: ["-h", "-?", "--help"])
    func help(option: String) throws {
        let run = try EslshTests.run([option])
        #expect(run.status == 0)
        #expect(run.stdout.hasPrefix("OVERVIEW: "))
    }

    /// `-r`/`--retry` is a flag, as in fs_cli (120 retries 1 s apart); a count is --retries N.
    @Test(arguments: ["-r", "--retry"])
    func retryIsAFlag(option: String) throws {
        let port = ScriptedServer(accept: false).port
        // The switch comes up a moment after eslsh has found it down: what a retry is for.
        let starter = Thread {
            var configuration = SimulatorConfiguration()
            configuration.port = port
            configuration.hostname = "late"
            configuration.heartbeatInterval = nil
            Thread.sleep(forTimeInterval: 1.5)
            let simulator = try? Simulator(configuration)
            Thread.sleep(forTimeInterval: 3)
            simulator?.stop()
        }
        starter.start()
        let run = try EslshTests.run(["-P", "\(port)", option, "-x", "hostname"])
        #expect(run.status == 0)
        #expect(run.stdout == "late\n")
        #expect(run.stderr.contains("retrying (1/120)"), "\(run.stderr)")
    }

    /// `-R` is eslsh's reconnect, with fs_cli's letter: a lost connection is reconnected.
    @Test func reconnectIsAccepted() throws {
        let run = try EslshTests.run(["-R", "--reconnect", "--help"])
        #expect(run.status == 0)
    }
}

/// eslsh invoked as `fs_cli` (a symlink): fs_cli's `-x` output byte for byte, fs_cli's profile files,
/// eslsh's exit codes.
@Suite(.timeLimit(.minutes(1))) struct InvokedAsFsCliTests {
    static func home() throws -> String {
        let home = NSTemporaryDirectory() + "eslsh-fscli-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: home + "/.config/eslsh", withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: home + "/fs_cli", withDestinationPath: EslshTests.binary)
        return home
    }

    @Test func executeOutputIsFsClis() throws {
        let simulator = try EslshTests.simulator()
        defer { simulator.stop() }
        let home = try Self.home()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let fsCli = home + "/fs_cli"
        for command in ["version", "hostname", "show calls count", "show channels", "echo no line break"] {
            let mine = try EslshTests.run(["-P", "\(simulator.port)", "-x", command])
            let theirs = try symlinked(fsCli, ["-P", "\(simulator.port)", "-x", command], home: home)
            // fs_cli prints each body and a line break: one more after a body that ends in one.
            // (hostname's and echo's bodies end without one.)
            let bare = command == "hostname" || command.hasPrefix("echo")
            #expect(theirs.stdout == mine.stdout + (bare ? "" : "\n"), "\(command)")
            #expect(theirs.status == 0)
        }
        #expect(try symlinked(fsCli, ["-P", "\(simulator.port)", "-x", "hostname"], home: home).stdout == "vm\n")
        // eslsh's exit codes: -ERR is 1 (fs_cli said 0).
        #expect(try symlinked(fsCli, ["-P", "\(simulator.port)", "-x", "bogus"], home: home).status == 1)
    }

    /// Invoked as fs_cli, ~/.fs_cli_conf is the profile file even when eslsh has its own.
    @Test func fsClisProfileFile() throws {
        let simulator = try EslshTests.simulator()
        defer { simulator.stop() }
        let home = try Self.home()
        defer { try? FileManager.default.removeItem(atPath: home) }
        let closed = ScriptedServer(accept: false).port
        try "[default]\nport => \(closed)\n".write(toFile: home + "/.config/eslsh/config", atomically: true, encoding: .utf8)
        try "[default]\nport => \(simulator.port)\n".write(toFile: home + "/.fs_cli_conf", atomically: true, encoding: .utf8)
        #expect(try symlinked(home + "/fs_cli", ["-x", "hostname"], home: home).stdout == "vm\n")
        #expect(try EslshTests.run(["-x", "hostname"], environment: ["HOME": home, "ESLSH_CONFIG": ""]).status == 3)
    }

    func symlinked(_ path: String, _ arguments: [String], home: String) throws -> EslshTests.Run {
        try EslshTests.run(arguments, environment: ["HOME": home, "ESLSH_CONFIG": ""], executable: path)
    }
}

/// fs_cli's profile keys, with eslsh's precedence (command line over profile), and one warning per
/// unknown key.
@Suite(.timeLimit(.minutes(1))) struct FsCliProfileKeyTests {
    @Test func keysAreHonouredAndTheCommandLineWins() throws {
        let simulator = try EslshTests.simulator()
        defer { simulator.stop() }
        let path = NSTemporaryDirectory() + "eslsh-keys-\(UUID().uuidString)"
        try """
            [default]
            port => \(simulator.port)
            batchmode => true
            loglevel => notice
            log-uuid-short => yes
            mystery => 1
            mystery => 2
            timeout => 300
            """.write(toFile: path, atomically: true, encoding: .utf8)
        defer { unlink(path) }
        let call = "originate loopback/9196/default &park\nmsleep 200\nhupall\nmsleep 200\n"
        let run = try EslshTests.run([], stdin: call, environment: ["ESLSH_CONFIG": path])
        #expect(run.stdout.hasPrefix("+OK log level notice [5]\n"), "\(run.stdout)")
        #expect(run.stdout.split(separator: "\n").filter { $0.contains("[NOTICE]") }.allSatisfy { $0.dropFirst(8).hasPrefix(" 20") })
        #expect(run.stderr == "eslsh: warning: \(path):6: unknown key 'mystery' ignored\n")
        let override = try EslshTests.run(["-l", "info"], stdin: "hostname\n", environment: ["ESLSH_CONFIG": path])
        #expect(override.stdout.hasPrefix("+OK log level info [6]\n"))
        // The profile's reply timeout (ms), and -t over it.
        #expect(try EslshTests.run(["-x", "msleep 2000"], environment: ["ESLSH_CONFIG": path]).status == 5)
        #expect(try EslshTests.run(["-t", "5000", "-x", "msleep 500"], environment: ["ESLSH_CONFIG": path]).status == 0)
    }

    /// `quiet`, `debug` (fs_cli's libesl level: 7 traces, the sample file's 2 does not) and
    /// `log-uuid-length`, each against the command line.
    @Test func quietDebugAndUUIDLengthKeys() throws {
        let simulator = try EslshTests.simulator()
        defer { simulator.stop() }
        func profile(_ keys: String) throws -> String {
            let path = NSTemporaryDirectory() + "eslsh-keys-\(UUID().uuidString)"
            try "[default]\nport => \(simulator.port)\n\(keys)\n".write(toFile: path, atomically: true, encoding: .utf8)
            return path
        }
        let quiet = try profile("quiet => yes\nbatchmode => on")
        defer { unlink(quiet) }
        #expect(try EslshTests.run([], stdin: "hostname\n", environment: ["ESLSH_CONFIG": quiet]).stdout == "vm\n")
        // -l clears the profile's quiet, as in fs_cli.
        #expect(try EslshTests.run(["-l", "err"], stdin: "hostname\n", environment: ["ESLSH_CONFIG": quiet]).stdout == "+OK log level err [3]\nvm\n")
        let traced = try profile("debug => 7")
        defer { unlink(traced) }
        #expect(try EslshTests.run(["-x", "hostname"], environment: ["ESLSH_CONFIG": traced]).stderr.contains("eslsh: trace: > api hostname"))
        #expect(try EslshTests.run(["-d", "0", "-x", "hostname"], environment: ["ESLSH_CONFIG": traced]).stderr.isEmpty)
        let sample = try profile("debug => 2")
        defer { unlink(sample) }
        #expect(try EslshTests.run(["-x", "hostname"], environment: ["ESLSH_CONFIG": sample]).stderr.isEmpty)
        let short = try profile("log-uuid-length => 4\nloglevel => notice")
        defer { unlink(short) }
        let run = try EslshTests.run(["-b"], stdin: "originate loopback/9196/default &park\nmsleep 200\n", environment: ["ESLSH_CONFIG": short])
        let logs = run.stdout.split(separator: "\n").filter { $0.contains("[NOTICE]") }
        #expect(!logs.isEmpty)
        #expect(logs.allSatisfy { $0.dropFirst(4).hasPrefix(" 20") }, "\(logs)")
    }

    /// An unknown profile is exit 2, with or without a config file (it connected to 127.0.0.1 and exited 0).
    @Test func anUnknownProfileIsAUsageError() throws {
        let none = try EslshTests.run(["nosuchprofile", "-x", "status"])
        #expect(none.status == 2)
        #expect(none.stderr.hasPrefix("eslsh: no profile named 'nosuchprofile': no config file"))
        let path = NSTemporaryDirectory() + "eslsh-profiles-\(UUID().uuidString)"
        try "[default]\nport => 1\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { unlink(path) }
        let other = try EslshTests.run(["nosuchprofile", "-x", "status"], environment: ["ESLSH_CONFIG": path])
        #expect(other.status == 2)
    }
}
