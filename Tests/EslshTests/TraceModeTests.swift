import ESLProtocol
import ESLSimulator
import Foundation
import TestSupport
import Testing

/// `eslsh --trace UUID` and `eslsh replay FILE --trace UUID` with the real binary: the call-trace-plain
/// capture, recorded, replayed and served live by the simulator, against the timeline written by hand.
@Suite(.timeLimit(.minutes(1))) struct TraceModeTests {
    static let traced = "1d4806d3-f91d-44f3-9c91-dcf93c7da204"

    static var expected: String { String(decoding: Fixtures.bytes("expected/call-trace-plain.trace"), as: UTF8.self) }

    /// The capture's frames as a recording, a millisecond apart.
    static func recording() throws -> (path: String, frames: [RecordedFrame]) {
        let path = RecordReplayTests.temporaryPath("trace.ndjson")
        var file: [UInt8] = []
        var frames: [RecordedFrame] = []
        for (index, frame) in try Fixtures.frames(Fixtures.received("call-trace-plain")).frames.enumerated() {
            let recorded = RecordedFrame(time: 1_796_110_919_000_000 + index * 1000, frame: frame)
            frames.append(recorded)
            file += Recording.line(recorded)
        }
        _ = FileManager.default.createFile(atPath: path, contents: Data(file))
        return (path, frames)
    }

    /// The recording, and a simulator serving its frames to whoever subscribes, as fast as read.
    static func served() throws -> (path: String, simulator: Simulator) {
        let (path, frames) = try recording()
        let simulator = try EslshTests.simulator {
            $0.heartbeatInterval = nil
            $0.replay = RecordingReplay(frames, speed: nil)
        }
        return (path, simulator)
    }

    @Test func replayedCaptureIsTheExpectedTimeline() throws {
        let (path, _) = try Self.recording()
        defer { unlink(path) }
        let replay = try EslshTests.run(["replay", path, "--fast", "--trace", Self.traced])
        #expect(replay.status == 0)
        #expect(replay.stderr == "")
        #expect(replay.stdout == Self.expected)
    }

    /// The switch sends the same frames live: the same timeline, and the trace ends by itself (exit 0)
    /// once the call and its other leg are gone.
    @Test func liveTraceEqualsTheReplay() throws {
        let (path, simulator) = try Self.served()
        defer { unlink(path); simulator.stop() }
        let live = try EslshTests.run(["-P", "\(simulator.port)", "--trace", Self.traced])
        #expect(live.status == 0)
        #expect(live.stdout == Self.expected)
        let replay = try EslshTests.run(["replay", path, "--fast", "--trace", Self.traced])
        #expect(replay.stdout == live.stdout)
    }

    @Test func ndjsonLiveAndReplayAgree() throws {
        let (path, simulator) = try Self.served()
        defer { unlink(path); simulator.stop() }
        let live = try EslshTests.run(["-P", "\(simulator.port)", "--trace", Self.traced, "--format", "ndjson"])
        let replay = try EslshTests.run(["replay", path, "--fast", "--trace", Self.traced, "--format", "ndjson"])
        #expect(live.status == 0)
        #expect(replay.stdout == live.stdout)
        let lines = live.stdout.split(separator: "\n")
        #expect(lines.count == Self.expected.split(separator: "\n").count)
        #expect(lines.allSatisfy { JSONValue.parse(String($0)) != nil })
    }

    @Test func badCombinationsAreUsageErrors() throws {
        for arguments in [["--trace", "x", "--events", "ALL"], ["--trace", "x", "--stats"], ["--trace", "x", "--top"],
                          ["--trace", "a b"], ["--trace", "x", "--format", "xml"], ["replay", "f", "--trace", "x", "--replies"]] {
            let run = try EslshTests.run(arguments)
            #expect(run.status == 2, "\(arguments)")
            #expect(run.stderr.contains("--trace"), "\(arguments): \(run.stderr)")
        }
    }
}
