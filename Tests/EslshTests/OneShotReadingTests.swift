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
