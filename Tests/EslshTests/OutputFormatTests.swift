import ESLProtocol
import ESLSimulator
import Foundation
import TestSupport
import Testing

/// `--output` for one switch: `show` tables converted, everything else as the switch sent it.
@Suite(.timeLimit(.minutes(1))) struct OutputFormatTests {
    @Test func pipelinesGetRawByDefault() throws {
        let simulator = try testSimulator()
        defer { simulator.stop() }
        simulator.originate(destination: "9196")
        let raw = try EslshTests.run(["-P", "\(simulator.port)", "-x", "show channels"])
        let explicit = try EslshTests.run(["-P", "\(simulator.port)", "-x", "show channels", "--output", "raw"])
        #expect(raw.stdout.hasPrefix("uuid,direction,created,created_epoch,name,"))
        #expect(raw.stdout.hasSuffix("\n\n2 total.\n"))
        #expect(explicit.stdout == raw.stdout)
    }

    @Test func jsonCSVAndTable() throws {
        let simulator = try testSimulator()
        defer { simulator.stop() }
        let uuid = simulator.originate(destination: "9196")
        let json = try EslshTests.run(["-P", "\(simulator.port)", "-x", "show channels", "--output", "json"])
        #expect(json.status == 0)
        let rows = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: String]]
        #expect(rows?.map { $0["uuid"] }.first == uuid)
        #expect(rows?.map { $0["name"] } == ["loopback/9196-a", "loopback/9196-b"])
        #expect(json.stdout.hasPrefix("[\n  {\"uuid\":\"\(uuid)\",\"direction\":\"outbound\","))

        // The two loopback legs are not bridged: each is a call of its own (call-control-replies capture).
        let csv = try EslshTests.run(["-P", "\(simulator.port)", "-x", "show calls", "--output", "csv"])
        #expect(csv.stdout.hasPrefix("uuid,direction,created,"))
        #expect(csv.stdout.split(separator: "\n").count == 3)
        #expect(!csv.stdout.contains("total."))

        // Not a terminal: nothing to fit, so the table is whole.
        let table = try EslshTests.run(["-P", "\(simulator.port)", "-x", "show calls", "--output", "table"])
        let lines = table.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0].hasPrefix("uuid                                  direction  created              created_epoch"))
        #expect(lines[2].hasPrefix("\(uuid)  outbound   "))
        #expect(table.stdout.hasSuffix("\n\n2 total.\n"))

        // `as json` answers are tables too.
        let fromJSON = try EslshTests.run(["-P", "\(simulator.port)", "-x", "show calls as json", "--output", "csv"])
        #expect(fromJSON.stdout == csv.stdout)
    }

    @Test func otherAnswersAreUnchangedAndAmbiguousTablesSaySo() throws {
        let simulator = try testSimulator()
        defer { simulator.stop() }
        let plain = try EslshTests.run(["-P", "\(simulator.port)", "-x", "status", "-x", "show calls count", "-x", "bogus"])
        let json = try EslshTests.run(["-P", "\(simulator.port)", "-x", "status", "-x", "show calls count", "-x", "bogus", "--output", "json"])
        #expect(json.status == 1)
        #expect(json.stdout.split(separator: "\n").dropFirst().joined() == plain.stdout.split(separator: "\n").dropFirst().joined())
        #expect(json.stdout.hasSuffix("\n0 total.\n-ERR bogus Command not found!\n"))
        // `show api`: commas inside values, no quoting: left as it came, with the reason on stderr.
        let api = try EslshTests.run(["-P", "\(simulator.port)", "-x", "show api", "--output", "csv"])
        #expect(api.status == 0)
        #expect(api.stdout.hasPrefix("name,description,syntax,ikey\n...,Shutdown,,mod_commands\n"))
        #expect(api.stderr == "eslsh: show api: not shown as csv: a value holds the delimiter or a line break, so the columns are ambiguous (`show … as json` is exact)\n")
        #expect(try EslshTests.run(["-P", "\(simulator.port)", "--errors-only", "-x", "show api", "--output", "csv"]).stderr.isEmpty)
    }

    @Test func aStreamedAnswerIsShapedWhole() throws {
        // Over 1 MiB of `show channels` arrives as a stream.
        let rows = (0..<60_000).map { "4b6a3c52-0c8f-4a8e-9d1e-\(String(100_000_000_000 + $0)),loopback/\($0)-a" }
        let body = "uuid,name\n" + rows.joined(separator: "\n") + "\n\n60000 total.\n"
        let server = ScriptedServer { peer in
            peer.acceptAuth()
            while let command = peer.readCommand() {
                guard command.hasPrefix("api show channels") else { continue }
                peer.send("Content-Type: api/response\nContent-Length: \(body.utf8.count)\n\n" + body)
            }
        }
        #expect(body.utf8.count > 1 << 20)
        let run = try EslshTests.run(["-P", "\(server.port)", "-x", "show channels", "--output", "csv"])
        #expect(run.status == 0)
        #expect(run.stdout == "uuid,name\n" + rows.joined(separator: "\n") + "\n")
    }

    @Test func badOutputIsAUsageError() throws {
        let run = try EslshTests.run(["--output", "yaml", "-x", "status"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("--output"))
        let events = try EslshTests.run(["--output", "json", "--events", "ALL"])
        #expect(events.status == 2)
        #expect(events.stderr == "eslsh: --output shapes command answers; it does not go with --events or --listen (use --format). See 'eslsh --help'.\n")
        let listen = try EslshTests.run(["--listen", "127.0.0.1:0", "-H", "a", "-H", "b"])
        #expect(listen.status == 2)
        #expect(listen.stderr == "eslsh: --listen waits for calls; it does not go with several hosts. See 'eslsh --help'.\n")
    }
}
