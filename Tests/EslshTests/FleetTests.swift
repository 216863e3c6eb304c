import ESLProtocol
import ESLSimulator
import Foundation
import Synchronization
import TestSupport
import Testing

/// Several switches from one command line: -H repeated, --hosts-file, a profile's hosts.
@Suite(.timeLimit(.minutes(1))) struct FleetTests {
    static func pair() throws -> (Simulator, Simulator) {
        (try testSimulator { $0.hostname = "pbx1" }, try testSimulator { $0.hostname = "pbx2" })
    }

    /// The lines of stdout that start with `[label]`, the tag removed.
    static func lines(_ text: String, of label: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: false).compactMap { line in
            if line == "[\(label)]" { return "" }
            return line.hasPrefix("[\(label)] ") ? String(line.dropFirst(label.count + 3)) : nil
        }
    }

    /// A port nobody listens on.
    static func closedPort() throws -> Int {
        let simulator = try testSimulator()
        simulator.stop()
        return simulator.port
    }

    @Test func everyHostRunsEveryCommandAndEachLineIsTagged() throws {
        let (one, two) = try Self.pair()
        defer { one.stop(); two.stop() }
        one.originate(destination: "9196")
        let a = "127.0.0.1:\(one.port)", b = "localhost:\(two.port)"
        let run = try EslshTests.run(["-H", a, "-H", b, "-x", "hostname", "-x", "show calls count"])
        #expect(run.status == 0)
        #expect(run.stderr.isEmpty)
        #expect(Self.lines(run.stdout, of: a) == ["pbx1", "", "1 total."])
        #expect(Self.lines(run.stdout, of: b) == ["pbx2", "", "0 total."])
        #expect(run.stdout.split(separator: "\n").count == 6, "nothing untagged: \(run.stdout)")
    }

    @Test func theExitStatusIsTheWorstAndARefusedHostSaysSoInOneTaggedLine() throws {
        let (one, two) = try Self.pair()
        defer { one.stop(); two.stop() }
        let dead = "127.0.0.1:\(try Self.closedPort())"
        let a = "127.0.0.1:\(one.port)"
        // -ERR on one host: 1.
        let failing = try EslshTests.run(["-H", a, "-H", "127.0.0.1:\(two.port)", "-x", "hostname", "-x", "bogus"])
        #expect(failing.status == 1)
        #expect(Self.lines(failing.stdout, of: a) == ["pbx1", "-ERR bogus Command not found!"])
        // A host that refuses beats -ERR: 3, and the others still run.
        let run = try EslshTests.run(["-H", a, "-H", dead, "-x", "hostname", "-x", "bogus"])
        #expect(run.status == 3)
        #expect(Self.lines(run.stdout, of: a) == ["pbx1", "-ERR bogus Command not found!"])
        #expect(run.stderr == "[\(dead)] eslsh: connection refused by \(dead) (is FreeSWITCH running with mod_event_socket listening there?)\n")
    }

    /// A switch that accepts but never speaks is given up after the connect timeout; the other's answers
    /// are all there.
    @Test func aSilentHostTimesOutOnItsOwn() throws {
        let simulator = try testSimulator { $0.hostname = "pbx1" }
        defer { simulator.stop() }
        let silent = ScriptedServer { peer in _ = peer.readCommand() }
        let run = try EslshTests.run(["-H", "127.0.0.1:\(simulator.port)", "-H", "127.0.0.1:\(silent.port)", "-T", "300ms",
                                      "-x", "hostname", "-x", "version short"])
        #expect(run.status == 3)
        #expect(Self.lines(run.stdout, of: "127.0.0.1:\(simulator.port)") == ["pbx1", "1.11.3"])
        let errors = run.stderr.split(separator: "\n")
        #expect(errors.count == 1)
        #expect(errors.first?.hasPrefix("[127.0.0.1:\(silent.port)] eslsh: ") == true, "\(run.stderr)")
        #expect(errors.first?.contains("300 ms") == true, "\(run.stderr)")
    }

    @Test func hostsFromAFileAndFromAProfile() throws {
        let (one, two) = try Self.pair()
        defer { one.stop(); two.stop() }
        let directory = NSTemporaryDirectory() + "eslsh-fleet-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let hostsFile = directory + "/hosts"
        try "# the lab\n127.0.0.1:\(one.port)   # first\n\n  127.0.0.1:\(two.port)\r\n".write(toFile: hostsFile, atomically: true, encoding: .utf8)
        let fromFile = try EslshTests.run(["--hosts-file", hostsFile, "-x", "hostname"])
        #expect(fromFile.status == 0)
        #expect(Self.lines(fromFile.stdout, of: "127.0.0.1:\(one.port)") == ["pbx1"])
        #expect(Self.lines(fromFile.stdout, of: "127.0.0.1:\(two.port)") == ["pbx2"])

        let config = directory + "/config"
        try "[lab]\nhosts = 127.0.0.1:\(one.port), 127.0.0.1:\(two.port)\n[solo]\nhosts = 127.0.0.1:\(two.port)\n"
            .write(toFile: config, atomically: true, encoding: .utf8)
        chmod(config, 0o600)
        let profile = try EslshTests.run(["lab", "-x", "hostname"], environment: ["ESLSH_CONFIG": config])
        #expect(profile.status == 0)
        #expect(profile.stderr.isEmpty, "hosts is a known key: \(profile.stderr)")
        #expect(Self.lines(profile.stdout, of: "127.0.0.1:\(two.port)") == ["pbx2"])
        let listed = try EslshTests.run(["--list-profiles"], environment: ["ESLSH_CONFIG": config])
        #expect(listed.stdout.contains("\nlab\t127.0.0.1:\(one.port), 127.0.0.1:\(two.port)\n"))
        // One host is the plain mode: no tags; so is the same host given twice.
        let twice = try EslshTests.run(["-H", "127.0.0.1:\(one.port)", "-H", "127.0.0.1:\(one.port)", "-x", "hostname"])
        #expect(twice.stdout == "pbx1\n")
        let solo = try EslshTests.run(["solo", "-x", "hostname"], environment: ["ESLSH_CONFIG": config])
        #expect(solo.stdout == "pbx2\n")
        // The environment's host beats the profile's list, as it beats its host.
        let environment = try EslshTests.run(["lab", "-x", "hostname"], environment: ["ESLSH_CONFIG": config, "ESL_HOST": "127.0.0.1", "ESL_PORT": "\(one.port)"])
        #expect(environment.stdout == "pbx1\n")
        // And the command line beats both.
        let commandLine = try EslshTests.run(["lab", "-H", "127.0.0.1:\(two.port)", "-x", "hostname"], environment: ["ESLSH_CONFIG": config])
        #expect(commandLine.stdout == "pbx2\n")
    }

    @Test func oneHostWithAPortIsThePlainMode() throws {
        let simulator = try testSimulator()
        defer { simulator.stop() }
        let withPort = try EslshTests.run(["-H", "127.0.0.1:\(simulator.port)", "-x", "status"])
        let plain = try EslshTests.run(["-H", "127.0.0.1", "-P", "\(simulator.port)", "-x", "hostname"])
        #expect(withPort.status == 0 && withPort.stdout.hasPrefix("UP "))
        #expect(plain.stdout == "vm\n")
        let bracketed = try EslshTests.run(["-H", "[::1]:\(simulator.port)", "-x", "hostname"])
        // The simulator listens on 127.0.0.1 only: refused on ::1, which shows the address was understood.
        #expect(bracketed.status == 3)
        #expect(bracketed.stderr.contains("[::1]:\(simulator.port)"), "\(bracketed.stderr)")
    }

    @Test func badHostListsAreUsageErrors() throws {
        let badPort = try EslshTests.run(["-H", "a:99999", "-H", "b", "-x", "status"])
        #expect(badPort.status == 2)
        #expect(badPort.stderr == "eslsh: -H: 'a:99999' has no valid port (1-65535)\n")
        let missing = try EslshTests.run(["--hosts-file", "/nonexistent/hosts", "-x", "status"])
        #expect(missing.status == 2)
        #expect(missing.stderr == "eslsh: cannot read the hosts file /nonexistent/hosts\n")
        let path = NSTemporaryDirectory() + "eslsh-empty-hosts-\(UUID().uuidString)"
        try "# nobody\n\n".write(toFile: path, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let empty = try EslshTests.run(["--hosts-file", path, "-x", "status"])
        #expect(empty.status == 2)
        #expect(empty.stderr == "eslsh: \(path) lists no hosts\n")
    }

    @Test func standardInputIsRunOnEveryHost() throws {
        let (one, two) = try Self.pair()
        defer { one.stop(); two.stop() }
        let run = try EslshTests.run(["-H", "127.0.0.1:\(one.port)", "-H", "127.0.0.1:\(two.port)"], stdin: "hostname\n# a comment\nversion short\n")
        #expect(run.status == 0)
        #expect(Self.lines(run.stdout, of: "127.0.0.1:\(two.port)") == ["pbx2", "1.11.3"])
    }

    // MARK: - One document

    @Test func countsAsOneTable() throws {
        let (one, two) = try Self.pair()
        defer { one.stop(); two.stop() }
        one.originate(destination: "9196")
        one.originate(destination: "9197")
        one.originate(destination: "9198")
        two.originate(destination: "9199")
        let dead = "127.0.0.1:\(try Self.closedPort())"
        let a = "127.0.0.1:\(one.port)", b = "127.0.0.1:\(two.port)"
        let run = try EslshTests.run(["-H", a, "-H", b, "-H", dead, "-x", "show calls count", "--output", "table"])
        #expect(run.status == 3)
        let width = a.count
        #expect(run.stdout == """
            host\(String(repeating: " ", count: width - 4))  total
            \(String(repeating: "-", count: width))  -----
            \(a)  3
            \(b)  1

            4 total.

            """)
        #expect(run.stderr.hasPrefix("[\(dead)] eslsh: connection refused"))
    }

    @Test func showTablesOfAllHostsMergeIntoOneJSONArray() throws {
        let (one, two) = try Self.pair()
        defer { one.stop(); two.stop() }
        let first = one.originate(destination: "9196")
        let second = two.originate(destination: "3000")
        let a = "127.0.0.1:\(one.port)", b = "127.0.0.1:\(two.port)"
        let run = try EslshTests.run(["-H", a, "-H", b, "-x", "show channels", "--output", "json"])
        #expect(run.status == 0)
        let rows = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [[String: String]]
        #expect(rows?.count == 4)
        // Only the A leg names its call (as in the call-control-replies capture).
        #expect(rows?.filter { $0["host"] == a }.map { $0["call_uuid"] } == [first, ""])
        #expect(rows?.filter { $0["host"] == b }.map { $0["hostname"] } == ["pbx2", "pbx2"])
        #expect(run.stdout.hasPrefix("[\n  {\"host\":\"\(a)\",\"uuid\":"), "host first, then the switch's columns")
        // Other answers: one row per host with its whole output; a -ERR is an answer like any other.
        let csv = try EslshTests.run(["-H", a, "-H", b, "-x", "status", "-x", "bogus", "--output", "csv"])
        #expect(csv.status == 1)
        let documents = csv.stdout.components(separatedBy: "\n\n")
        #expect(documents.count == 2)
        #expect(documents[0].hasPrefix("host,output\n\(a),\"UP 0 years"))
        #expect(documents[1] == "host,output\n\(a),-ERR bogus Command not found!\n\(b),-ERR bogus Command not found!\n")
        _ = second
    }

    // MARK: - Events

    @Test func eventsOfAllHostsMergeTaggedWithTheirHost() throws {
        let (one, two) = try Self.pair()
        defer { one.stop(); two.stop() }
        let a = "127.0.0.1:\(one.port)", b = "127.0.0.1:\(two.port)"
        // Calls keep coming until the stream has what it counts, whenever it subscribed.
        let done = Atomic<Bool>(false)
        Thread.detachNewThread {
            while !done.load(ordering: .relaxed) {
                one.originate(destination: "1000")
                two.originate(destination: "2000")
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
        defer { done.store(true, ordering: .relaxed) }
        let ndjson = try EslshTests.run(["-H", a, "-H", b, "--events", "CHANNEL_CREATE", "--count", "2", "--format", "ndjson"])
        #expect(ndjson.status == 0)
        let events = try ndjson.stdout.split(separator: "\n").map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        #expect(events.count == 4)
        #expect(events.filter { $0?["host"] as? String == a }.allSatisfy { $0?["FreeSWITCH-Hostname"] as? String == "pbx1" })
        #expect(events.filter { $0?["host"] as? String == b }.count == 2)
        #expect(ndjson.stdout.split(separator: "\n").allSatisfy { $0.hasPrefix("{\"host\":\"") })

        let summary = try EslshTests.run(["-H", a, "-H", b, "--events", "CHANNEL_CREATE", "--count", "1"])
        #expect(summary.status == 0)
        #expect(Self.lines(summary.stdout, of: a).count == 1 && Self.lines(summary.stdout, of: a)[0].contains(" CHANNEL_CREATE loopback/1000-"))
        #expect(Self.lines(summary.stdout, of: b).count == 1 && Self.lines(summary.stdout, of: b)[0].contains(" CHANNEL_CREATE loopback/2000-"))

        // Log lines: objects with the host in NDJSON, tagged text lines beside indented JSON events.
        let logs = try EslshTests.run(["-H", a, "-H", b, "--events", "CHANNEL_CREATE", "--log", "notice", "--count", "2", "--format", "ndjson"])
        let logObjects = logs.stdout.split(separator: "\n").filter { $0.contains("\"_type\":\"log\"") }
        #expect(!logObjects.isEmpty)
        #expect(logObjects.allSatisfy { $0.hasPrefix("{\"host\":\"127.0.0.1:") })
        let pretty = try EslshTests.run(["-H", a, "-H", b, "--events", "CHANNEL_CREATE", "--log", "notice", "--count", "2", "--format", "json"])
        let prettyLines = pretty.stdout.split(separator: "\n")
        #expect(prettyLines.filter { $0.contains("[NOTICE]") }.allSatisfy { $0.hasPrefix("[\(a)] ") || $0.hasPrefix("[\(b)] ") })
        #expect(prettyLines.contains { $0.contains("[NOTICE]") })
        #expect(prettyLines.filter { $0.hasPrefix("  \"host\": ") }.count == 4)

        let xml = try EslshTests.run(["-H", a, "-H", b, "--events", "CHANNEL_CREATE", "--count", "1", "--format", "xml"])
        #expect(xml.stdout.contains("<headers>\n    <host>\(a)</host>\n    <Event-Name>CHANNEL_CREATE</Event-Name>"))
        #expect(xml.stdout.contains("<host>\(b)</host>"))
    }
}
