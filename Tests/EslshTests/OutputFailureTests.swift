import ESLProtocol
import ESLSimulator
import Foundation
import TestSupport
import Testing

/// Issue 14, class 3: output failures are never silent. A reader of stdout that goes away ends the run
/// quietly with 141 (as a filter ended by SIGPIPE); any other write error, on stdout or on the
/// recording, is one line on stderr and status 7.
@Suite(.serialized, .timeLimit(.minutes(1))) struct OutputFailureTests {
    static func busySimulator() throws -> Simulator {
        try EslshTests.simulator { $0.callInterval = .milliseconds(100); $0.callDuration = .milliseconds(500); $0.heartbeatInterval = .milliseconds(200) }
    }

    /// `eslsh --events ALL | head -1`: the stream stops once its reader left (the runner kills a
    /// stream still going after 30 s, which would show as 137).
    @Test(arguments: ["plain", "summary", "ndjson"])
    func eventsStopWhenTheReaderLeaves(_ format: String) throws {
        let simulator = try Self.busySimulator()
        defer { simulator.stop() }
        let run = try RunningEslsh(["-P", "\(simulator.port)", "--events", "ALL", "--format", format], closeOutputAfterLines: 1).finish()
        #expect(run.status == 141)
        #expect(run.stderr.isEmpty, "quiet: \(run.stderr)")
    }

    /// `eslsh --stats | head -2`.
    @Test func statsStopWhenTheReaderLeaves() throws {
        let simulator = try Self.busySimulator()
        defer { simulator.stop() }
        let run = try RunningEslsh(["-P", "\(simulator.port)", "--stats"], closeOutputAfterLines: 2).finish()
        #expect(run.status == 141)
        #expect(run.stderr.isEmpty, "quiet: \(run.stderr)")
    }

    /// A script whose output nobody reads any more stops instead of running on unseen.
    @Test func aScriptStopsWhenTheReaderLeaves() throws {
        let simulator = try EslshTests.simulator()
        defer { simulator.stop() }
        let script = NSTemporaryDirectory() + "eslsh-\(UUID().uuidString).txt"
        defer { unlink(script) }
        try String(repeating: "show api\n", count: 2000).write(toFile: script, atomically: true, encoding: .utf8)
        let run = try RunningEslsh(["-P", "\(simulator.port)", "-f", script], closeOutputAfterLines: 1).finish()
        #expect(run.status == 141)
        #expect(run.stderr.isEmpty, "quiet: \(run.stderr)")
    }

    /// A replay into `head -1`.
    @Test func aReplayStopsWhenTheReaderLeaves() throws {
        let path = HostileRecordingTests.recording((0..<20_000).map { _ in "2026-01-01T00:00:00Z" })
        defer { unlink(path) }
        let run = try RunningEslsh(["replay", path, "--format", "headers"], closeOutputAfterLines: 1).finish()
        #expect(run.status == 141)
        #expect(run.stderr.isEmpty, "quiet: \(run.stderr)")
    }

    /// `>/dev/full`: one line naming the error, status 7, for an answer and for a stream.
    @Test(arguments: [["-x", "status"], ["--events", "ALL"]])
    func aFullDeviceIsOneLineAndSeven(_ arguments: [String]) throws {
        let simulator = try Self.busySimulator()
        defer { simulator.stop() }
        let run = try RunningEslsh(["-P", "\(simulator.port)"] + arguments, outputFile: "/dev/full").finish()
        #expect(run.status == 7)
        #expect(run.stderr == "eslsh: cannot write to standard output: No space left on device\n")
    }

    /// A recording that cannot be written ends the run with 7 and says so once.
    @Test func aFailedRecordingChangesTheStatus() throws {
        let simulator = try Self.busySimulator()
        defer { simulator.stop() }
        let run = try RunningEslsh(["-P", "\(simulator.port)", "--events", "ALL", "--record", "/dev/full"]).finish()
        #expect(run.status == 7)
        #expect(run.stderr == "eslsh: writing recording /dev/full failed: No space left on device\n")
        let oneShot = try EslshTests.run(["-P", "\(simulator.port)", "--record", "/dev/full", "-x", "status"])
        #expect(oneShot.status == 7)
        #expect(oneShot.stdout.hasPrefix("UP "))
        #expect(oneShot.stderr == "eslsh: writing recording /dev/full failed: No space left on device\n")
    }

    /// A recording into a pipe or a device leaves its mode alone (the recorder made /dev/full, or a
    /// terminal given as /dev/stdout, private to root when run as root).
    @Test func aRecordingIntoAFifoKeepsItsMode() throws {
        let simulator = try EslshTests.simulator()
        defer { simulator.stop() }
        let path = NSTemporaryDirectory() + "eslsh-\(UUID().uuidString).fifo"
        #expect(mkfifo(path, 0o644) == 0)
        defer { unlink(path) }
        // A plain reader (Foundation's file reading gives up on a fifo without opening it).
        let reader = Thread {
            let fd = open(path, O_RDONLY)
            var buffer = [UInt8](repeating: 0, count: 4096)
            while read(fd, &buffer, buffer.count) > 0 {}
            close(fd)
        }
        reader.start()
        let run = try EslshTests.run(["-P", "\(simulator.port)", "--record", path, "-x", "status"])
        #expect(run.status == 0)
        var info = stat()
        #expect(stat(path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o644)
    }

    /// The statuses are in `--help`.
    @Test func theHelpListsTheStatuses() throws {
        let help = try EslshTests.run(["--help"])
        // The help is wrapped to the terminal's width: read it as one line.
        let text = help.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        #expect(text.contains("7 output could not be written"))
        #expect(text.contains("141 the reader of stdout went away"))
    }
}
