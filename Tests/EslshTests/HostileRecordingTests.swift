import ESLProtocol
import Foundation
import TestSupport
import Testing

/// Issue 14, class 6: a recording's times and `--speed` are outside input; no value of either traps.
@Suite(.serialized, .timeLimit(.minutes(1))) struct HostileRecordingTests {
    /// A recording of HEARTBEAT events, one per time given as it would be written (ISO, UTC).
    static func recording(_ times: [String]) -> String {
        let path = NSTemporaryDirectory() + "eslsh-\(UUID().uuidString)-times.ndjson"
        let lines = times.enumerated().map { index, time in
            "{\"time\":\"\(time)\",\"type\":\"text/event-plain\",\"headers\":[[\"Content-Type\",\"text/event-plain\"]],"
                + "\"body\":\"Event-Name: HEARTBEAT\\nEvent-Sequence: \(index + 1)\\n\\n\"}\n"
        }
        _ = FileManager.default.createFile(atPath: path, contents: Data(lines.joined().utf8))
        return path
    }

    /// Regression (SIGILL on the old main): ten thousand years between two frames is more nanoseconds
    /// than UInt64 holds. The pause saturates; the replay waits, and Ctrl-C ends it with 0.
    @Test func timesCenturiesApartWaitUntilInterrupted() throws {
        let path = Self.recording(["0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999Z"])
        defer { unlink(path) }
        let replay = try RunningEslsh(["replay", path, "--format", "headers"])
        #expect(replay.waitForOutput { $0.contains("Event-Sequence: 1") })
        // Still running (paused before the second frame), not crashed.
        usleep(300_000)
        #expect(replay.process.isRunning)
        replay.signal(SIGINT)
        let run = replay.finish()
        #expect(run.status == 0)
        #expect(run.stderr.isEmpty)
        #expect(!run.stdout.contains("Event-Sequence: 2"))
    }

    /// Regression (SIGILL on the old main): a tiny --speed turned a one-second gap into a pause past
    /// UInt64. Every unusable speed is now a usage error naming the range.
    @Test(arguments: ["1e-300", "0.0000001", "1e300", "0", "-1", "nan", "inf", "-inf"])
    func unusableSpeedsAreUsageErrors(_ speed: String) throws {
        let path = Self.recording(["2026-01-01T00:00:00Z", "2026-01-01T00:00:01Z"])
        defer { unlink(path) }
        let run = try EslshTests.run(["replay", path, "--speed", speed])
        #expect(run.status == 2)
        #expect(run.stdout.isEmpty)
        #expect(run.stderr.hasPrefix("eslsh replay: --speed must be a number from 0.001 to 1000000"), "\(run.stderr)")
        #expect(run.stderr.split(separator: "\n").count == 1, "one line: \(run.stderr)")
    }

    /// Times out of order, equal, and at the edges of what the format can write play in file order
    /// without pauses back in time; the ends of the speed range work.
    @Test(arguments: ["0.001", "1000000"])
    func outOfOrderAndEdgeTimesPlay(_ speed: String) throws {
        let path = Self.recording(["2026-01-01T00:00:05Z", "2026-01-01T00:00:00Z", "0001-01-01T00:00:00Z",
                                   "2026-01-01T00:00:05Z", "9999-99-99T99:99:99.999999Z"])
        defer { unlink(path) }
        let run = try EslshTests.run(["replay", path, "--format", "headers", "--count", "4", "--speed", speed])
        #expect(run.status == 0)
        #expect(run.stderr.isEmpty)
        #expect(run.stdout.components(separatedBy: "Event-Sequence: ").count == 5)
    }

    /// A switch's figures are outside input too: an Idle-CPU of NaN or 1e300 and a log level of Int.min
    /// trapped `--stats` (Double to Int, level minus 3). They show as no figure now.
    @Test func statsSurviveAbsurdFigures() throws {
        let server = ScriptedServer { peer in
            peer.acceptAuth()
            while let command = peer.readCommand() {
                func api(_ text: String) { peer.send("Content-Type: api/response\nContent-Length: \(text.utf8.count)\n\n\(text)") }
                if command.hasPrefix("api status") {
                    api("UP 0 years\n0 session(s) per Sec out of max 30\nmin idle cpu 0.00/nan\n")
                } else if command.hasPrefix("api show") {
                    api("\n0 total.\n")
                } else {
                    peer.send("Content-Type: command/reply\nReply-Text: +OK\n\n")
                    if command.hasPrefix("log") {
                        let event = "Event-Name: HEARTBEAT\nIdle-CPU: 1e300\n\n"
                        peer.send("Content-Type: text/event-plain\nContent-Length: \(event.utf8.count)\n\n\(event)")
                        let text = "boom\n"
                        peer.send("Content-Type: log/data\nContent-Length: \(text.utf8.count)\nLog-Level: -9223372036854775808\n\n\(text)")
                    }
                }
            }
        }
        let run = try EslshTests.run(["-P", "\(server.port)", "--stats", "--count", "2"])
        #expect(run.status == 0, "\(run.stderr)")
        let lines = run.stdout.split(separator: "\n")
        #expect(lines.count == 2)
        for line in lines { #expect(line.split(separator: " ")[3] == "-", "\(line)") }
    }
}
