import ESLClient
import ESLProtocol
import ESLSimulator
import TestSupport
import Testing

/// The simulator serving a recording as if it were live.
@Suite(.timeLimit(.minutes(1))) struct RecordingReplayTests {
    /// The captured call (plain events) and the captured debug log, as one recording.
    static func recording() throws -> [RecordedFrame] {
        let frames = try Fixtures.frames(Fixtures.received("call-events-plain")).frames + Fixtures.frames(Fixtures.received("logs-debug")).frames
        return frames.enumerated().map { RecordedFrame(time: 1_795_757_163_000_000 + $0.offset * 100, frame: $0.element) }
    }

    static func recordedEvents(_ frames: [RecordedFrame]) -> [Event] {
        frames.compactMap { if case .event(let event, _) = Message(frame: $0.frame) { event } else { nil } }
    }

    static func receive(_ connection: Connection, quietMilliseconds: Int = 600) -> (events: [Event], logs: [LogLine]) {
        var events: [Event] = []
        var logs: [LogLine] = []
        let limit = Deadline.after(milliseconds: 5000)
        while !limit.hasPassed, let item = connection.inbound.next(until: min(limit, .after(milliseconds: quietMilliseconds))) {
            if case .message(.event(let event, _)) = item { events.append(event) }
            if case .message(.log(let line)) = item { logs.append(line) }
        }
        return (events, logs)
    }

    /// A JSON subscriber gets the recorded plain events re-encoded as JSON, headers unchanged; log lines
    /// come through its log level.
    @Test func subscribersGetTheRecordingInTheirFormat() throws {
        let frames = try Self.recording()
        let simulator = try testSimulator { $0.replay = RecordingReplay(frames, speed: nil) }
        defer { simulator.stop() }
        let connection = try Connection.open(ConnectOptions(port: simulator.port))
        defer { connection.close() }
        #expect(try connection.send(.event(.json, ["ALL"])).text == "+OK event listener enabled json")
        #expect(try connection.send(.log("notice")).text == "+OK log level notice [5]")
        let (events, logs) = Self.receive(connection)
        let recorded = Self.recordedEvents(frames)
        #expect(recorded.count > 10)
        #expect(events.map(\.headers.list) == recorded.map(\.headers.list))
        let notices = frames.compactMap { if case .log(let line) = Message(frame: $0.frame), line.level <= 5 { line } else { nil } }
        #expect(!notices.isEmpty)
        #expect(logs.map(\.text) == notices.map(\.text))
    }

    /// Names and filters narrow a replay as they narrow live events.
    @Test func subscriptionsAndFiltersApply() throws {
        let frames = try Self.recording()
        let simulator = try testSimulator { $0.replay = RecordingReplay(frames, speed: nil) }
        defer { simulator.stop() }
        let connection = try Connection.open(ConnectOptions(port: simulator.port))
        defer { connection.close() }
        _ = try connection.send(.event(.plain, ["CHANNEL_CREATE", "CHANNEL_HANGUP_COMPLETE"]))
        let (events, logs) = Self.receive(connection)
        let expected = Self.recordedEvents(frames).filter { ["CHANNEL_CREATE", "CHANNEL_HANGUP_COMPLETE"].contains($0.name) }
        #expect(!expected.isEmpty)
        #expect(events.map(\.headers.list) == expected.map(\.headers.list))
        #expect(logs.isEmpty)
    }

    /// Every client gets the whole recording, from its own first subscription.
    @Test func eachClientGetsItsOwnReplay() throws {
        let frames = try Self.recording()
        let simulator = try testSimulator { $0.replay = RecordingReplay(frames, speed: 50) }
        defer { simulator.stop() }
        let first = try Connection.open(ConnectOptions(port: simulator.port))
        defer { first.close() }
        _ = try first.send(.event(.plain, ["ALL"]))
        let one = Self.receive(first).events
        let second = try Connection.open(ConnectOptions(port: simulator.port))
        defer { second.close() }
        _ = try second.send(.event(.xml, ["ALL"]))
        let two = Self.receive(second).events
        #expect(one.count == Self.recordedEvents(frames).count)
        #expect(two.map(\.headers.list) == one.map(\.headers.list))
    }
}
