import Foundation
import TestSupport
import Testing

/// Issue 16: a one-shot run (`-x`) reads its answers on the thread that waits for them, with no reader
/// thread (ConnectOptions.Reading.waiter): a thread, its stack and two wake-ups per answer saved.
@Suite(.serialized, .timeLimit(.minutes(1))) struct OneShotReadingTests {
    @Test func aOneShotRunWaitsForItsAnswerOnOneThread() throws {
        let asked = Gate()
        let server = ScriptedServer { peer in
            peer.acceptAuth()
            _ = peer.readCommand()
            asked.open()
            peer.holdUntilClosed()
        }
        let eslsh = try LiveProcess(["-P", "\(server.port)", "-t", "30000", "-x", "status"])
        #expect(asked.wait())
        // Authenticated and waiting for the answer: a reader thread, if any, runs by now.
        let tasks = try FileManager.default.contentsOfDirectory(atPath: "/proc/\(eslsh.process.processIdentifier)/task")
        #expect(tasks.count == 1, "threads: \(tasks)")
        eslsh.signal(SIGTERM)
        _ = eslsh.finish()
    }

    @Test func aStreamOfAnswersAndAJobResultOnOneThread() throws {
        let simulator = try testSimulator()
        defer { simulator.stop() }
        let run = try EslshTests.run(["-P", "\(simulator.port)", "-x", "hostname", "-x", "bgapi version", "-x", "show calls count"])
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stdout.contains("vm\n"), "\(run.stdout)")
        #expect(run.stdout.contains("FreeSWITCH Version 1.11.3-dev"), "\(run.stdout)")
        #expect(run.stdout.contains("0 total."), "\(run.stdout)")
    }
}

/// Issue 16's plain drain: `--events --format plain` into a pipe takes plain events in runs
/// (ConnectOptions.plainEventRuns); a stalled reader still loses whole, counted events.
@Suite(.serialized, .timeLimit(.minutes(1))) struct PlainDrainTests {
    @Test func everyEventIsPrintedOrCountedAsDropped() throws {
        let total = 20_000
        let sent = Gate()
        let simulator = try EslshTests.simulator {
            $0.floodEvents = total
            $0.floodReport = { _, _ in sent.open() }
        }
        defer { simulator.stop() }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: EslshTests.binary)
        process.arguments = ["-P", "\(simulator.port)", "--events", "ALL", "--format", "plain", "--buffer", "100"]
        process.environment = EslshTests.environment([:])
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        try process.run()
        // Nobody reads stdout until the switch has sent everything: eslsh's reader took it all meanwhile.
        #expect(sent.wait())
        let stdout = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let stderr = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(stderr)")
        let lines = stdout.split(separator: "\n", omittingEmptySubsequences: false)
        let printed = lines.filter { $0.hasPrefix("Event-Name: ") }.count
        let markers = lines.filter { $0.hasPrefix("[eslsh: ") && $0.hasSuffix(" events or log lines dropped: output too slow]") }
        let dropped = markers.compactMap { Int($0.dropFirst(8).prefix { $0 != " " }) }.reduce(0, +)
        #expect(dropped > 0)
        #expect(printed + dropped == total, "printed \(printed), dropped \(dropped)")
        #expect(stderr.contains("eslsh: \(dropped) events or log lines were dropped in all: output too slow"), "\(stderr)")
    }
}
