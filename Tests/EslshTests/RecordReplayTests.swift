import ESLClient
import ESLProtocol
import ESLSimulator
import Foundation
import TestSupport
import Testing

/// `--record FILE` and `eslsh replay FILE`, with the real binary against the simulator.
@Suite(.timeLimit(.minutes(3))) struct RecordReplayTests {
    static func temporaryPath(_ name: String) -> String {
        NSTemporaryDirectory() + "eslsh-\(UUID().uuidString)-\(name)"
    }

    /// A recording of the call-events-plain capture's frames (as --record writes them), `count` events long.
    static func captureRecording(events count: Int = Int.max) throws -> (path: String, events: [Frame]) {
        let path = temporaryPath("capture.ndjson")
        let frames = try Fixtures.frames(Fixtures.received("call-events-plain")).frames
        var file: [UInt8] = []
        var events: [Frame] = []
        for (index, frame) in frames.enumerated() where events.count < count {
            if frame.contentType == "text/event-plain" { events.append(frame) }
            file += Recording.line(RecordedFrame(time: index * 1000, frame: frame))
        }
        _ = FileManager.default.createFile(atPath: path, contents: Data(file))
        return (path, events)
    }

    /// Replayed as plain, a recording of the capture is the capture's event bodies, each as the switch
    /// sent it, one blank line after each (the expected text is the capture's bytes, not eslsh's output).
    @Test func aReplayedCaptureIsTheCapturesEvents() throws {
        let (path, events) = try Self.captureRecording()
        defer { unlink(path) }
        let replay = try EslshTests.run(["replay", path, "--fast", "--format", "plain"])
        #expect(replay.status == 0)
        #expect(replay.stderr.isEmpty)
        #expect(events.count > 40)
        #expect(replay.stdout == events.map { String(decoding: $0.body, as: UTF8.self) + "\n" }.joined())
    }

    /// What `--events` printed live is what `replay --fast` prints from the recording, in every format:
    /// the live and the replay paths agree (what each prints is pinned down by the capture tests).
    @Test(arguments: ["summary", "plain", "ndjson", "headers", "json", "xml"])
    func replayPrintsWhatTheLiveStreamPrinted(_ format: String) throws {
        let simulator = try EslshTests.simulator { $0.callInterval = .milliseconds(100); $0.callDuration = .milliseconds(200) }
        defer { simulator.stop() }
        let path = Self.temporaryPath("events.ndjson")
        defer { unlink(path) }
        let live = try EslshTests.run(["-P", "\(simulator.port)", "--events", "ALL", "--log", "debug", "--count", "40",
                                       "--format", format, "--record", path])
        #expect(live.status == 0)
        #expect(live.stdout.split(separator: "\n").count >= 40)
        // The same --count: the recording also holds what arrived after the last event printed.
        let replay = try EslshTests.run(["replay", path, "--fast", "--format", format, "--count", "40"])
        #expect(replay.status == 0)
        #expect(replay.stderr.isEmpty)
        #expect(replay.stdout == live.stdout)
    }

    /// The file is the owner's only, holds the frames received (replies, events, API output) and never
    /// the password, which is sent, not received.
    @Test func aRecordingIsPrivateAndHoldsNoPassword() throws {
        let simulator = try EslshTests.simulator { $0.password = "Sekr1tPassw0rd" }
        defer { simulator.stop() }
        let path = Self.temporaryPath("script.ndjson")
        defer { unlink(path) }
        // An existing file with a wide mode is narrowed too.
        _ = FileManager.default.createFile(atPath: path, contents: Data("old".utf8), attributes: [.posixPermissions: 0o644])
        let run = try EslshTests.run(["-P", "\(simulator.port)", "-x", "status", "-x", "/event plain HEARTBEAT", "-x", "hostname",
                                      "--record", path], environment: ["ESL_PASSWORD": "Sekr1tPassw0rd"])
        #expect(run.status == 0)
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        #expect((attributes[.posixPermissions] as? Int) == 0o600)
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.contains("Sekr1tPassw0rd"))
        let frames = try RecordingReader.readAll(path: path)
        #expect(frames.map { $0.frame.contentType ?? "" } == ["api/response", "command/reply", "api/response"])
        #expect(frames[0].frame.bodyText.hasPrefix("UP 0 years"))
        #expect(frames[2].frame.bodyText == "vm")
        #expect(zip(frames, frames.dropFirst()).allSatisfy { $0.time <= $1.time })
        let replay = try EslshTests.run(["replay", path, "--fast", "--replies"])
        #expect(replay.stdout == run.stdout)
    }

    /// An API output too large to hold arrives in pieces; the recording still has it whole (base64).
    @Test func aStreamedAPIOutputIsRecordedWhole() throws {
        let body = (0..<(3 << 20)).map { UInt8(truncatingIfNeeded: $0 % 251) }
        let server = ScriptedServer { peer in
            peer.acceptAuth()
            _ = peer.readCommand()
            peer.send("Content-Type: api/response\nContent-Length: \(body.count)\n\n")
            for offset in stride(from: 0, to: body.count, by: 100_000) { peer.send(Array(body[offset..<min(offset + 100_000, body.count)])) }
            _ = peer.readCommand()
        }
        let path = Self.temporaryPath("stream.ndjson")
        defer { unlink(path) }
        let run = try EslshTests.run(["-P", "\(server.port)", "-x", "show everything", "--record", path])
        #expect(run.status == 0)
        let frames = try RecordingReader.readAll(path: path)
        #expect(frames.count == 1)
        #expect(frames.first?.frame.body == body)
        #expect(frames.first?.frame.headers["Content-Length"] == String(body.count))
    }

    @Test func replayFiltersByEventNameAndCall() throws {
        let path = Self.temporaryPath("filter.ndjson")
        defer { unlink(path) }
        // A recording made of the captured call: every event of it, as the switch sent them.
        var file: [UInt8] = []
        for (index, frame) in try Fixtures.frames(Fixtures.received("call-events-plain")).frames.enumerated() {
            file += Recording.line(RecordedFrame(time: 1_795_757_163_000_000 + index * 1000, frame: frame))
        }
        _ = FileManager.default.createFile(atPath: path, contents: Data(file))
        let all = try EslshTests.run(["replay", path, "--fast", "--format", "headers"])
        let names = all.stdout.split(separator: "\n").filter { $0.hasPrefix("Event-Name: ") }
        #expect(names.count > 10)
        let creates = try EslshTests.run(["replay", path, "--fast", "--format", "headers", "--events", "CHANNEL_CREATE CHANNEL_ANSWER"])
        let picked = creates.stdout.split(separator: "\n").filter { $0.hasPrefix("Event-Name: ") }
        #expect(Set(picked) == ["Event-Name: CHANNEL_CREATE", "Event-Name: CHANNEL_ANSWER"])
        #expect(picked.count == names.filter { $0 == "Event-Name: CHANNEL_CREATE" || $0 == "Event-Name: CHANNEL_ANSWER" }.count)
        let uuid = try #require(all.stdout.split(separator: "\n").first { $0.hasPrefix("Unique-ID: ") }?.dropFirst(11))
        let call = try EslshTests.run(["replay", path, "--fast", "--format", "headers", "--uuid", String(uuid)])
        let ids = call.stdout.split(separator: "\n").filter { $0.hasPrefix("Unique-ID: ") }
        #expect(!ids.isEmpty)
        #expect(ids.allSatisfy { $0 == "Unique-ID: \(uuid)" })
        let two = try EslshTests.run(["replay", path, "--fast", "--count", "2"])
        #expect(two.stdout.split(separator: "\n").count == 2)
    }

    /// At the recorded pace a replay takes as long as the recording; --speed divides the pauses.
    @Test func replayKeepsThePaceUnlessAskedNotTo() throws {
        let path = Self.temporaryPath("pace.ndjson")
        defer { unlink(path) }
        let frames = try Fixtures.frames(Fixtures.received("call-events-plain")).frames.filter { $0.contentType == "text/event-plain" }.prefix(3)
        func write(gap: Int) {
            var file: [UInt8] = []
            for (index, frame) in frames.enumerated() { file += Recording.line(RecordedFrame(time: index * gap, frame: frame)) }
            _ = FileManager.default.createFile(atPath: path, contents: Data(file))
        }
        write(gap: 400_000)
        let started = Deadline.now()
        let paced = try EslshTests.run(["replay", path])
        #expect(paced.status == 0)
        // A lower bound: the recorded pauses (2 × 0.4 s) were kept. Load only makes a run longer, so this
        // cannot fail on a busy machine.
        #expect(Deadline.now().nanoseconds - started.nanoseconds >= 800_000_000, "the pauses were skipped")
        #expect(paced.stdout.split(separator: "\n").count == 3)
        // 120 s of pauses at 200 times the speed: 0.6 s. A replay that ignored --speed would be killed by
        // the runner's hang check (45 s) and fail.
        write(gap: 60_000_000)
        let fast = try EslshTests.run(["replay", path, "--speed", "200"])
        #expect(fast.status == 0)
        #expect(fast.stdout == paced.stdout)
    }

    @Test func badRecordingsAreOneLineErrors() throws {
        let path = Self.temporaryPath("bad.ndjson")
        defer { unlink(path) }
        let good = Recording.line(RecordedFrame(time: 0, frame: Frame(headers: ["Content-Type": "log/data", "Content-Length": "4", "Log-Level": "7"], body: Array("hi!\n".utf8))))
        _ = FileManager.default.createFile(atPath: path, contents: Data(good + Array("not json\n".utf8) + good))
        let bad = try EslshTests.run(["replay", path, "--fast"])
        #expect(bad.status == 2)
        #expect(bad.stdout == "hi!\n")
        #expect(bad.stderr == "eslsh: \(path): line 2: not a recorded frame (a JSON object with time, headers and body)\n")
        _ = FileManager.default.createFile(atPath: path, contents: Data(good + good.prefix(20)))
        let cut = try EslshTests.run(["replay", path, "--fast"])
        #expect(cut.status == 0)
        #expect(cut.stdout == "hi!\n")
        #expect(cut.stderr == "eslsh: \(path): the last line was cut short and was left out\n")
        let missing = try EslshTests.run(["replay", "/nonexistent/recording"])
        #expect(missing.status == 2)
        #expect(missing.stderr == "eslsh: cannot read /nonexistent/recording: No such file or directory\n")
        let listen = try EslshTests.run(["--listen", "127.0.0.1:0", "--record", path])
        #expect(listen.status == 2)
        let stats = try EslshTests.run(["-H", "127.0.0.1", "-H", "::1", "--stats", "--count", "1"])
        #expect(stats.status == 2)
        #expect(stats.stderr == "eslsh: --stats takes one switch, not several hosts\n")
    }

    /// A fleet records each switch into its own file, which replays as that switch.
    @Test func aFleetRecordsEachHostIntoItsOwnFile() throws {
        let one = try EslshTests.simulator()
        defer { one.stop() }
        let two = try testSimulator { $0.hostname = "pbx2" }
        defer { two.stop() }
        let directory = NSTemporaryDirectory() + "eslsh-fleet-record-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let (a, b) = ("127.0.0.1:\(one.port)", "127.0.0.1:\(two.port)")
        let run = try EslshTests.run(["-H", a, "-H", b, "-x", "hostname", "--record", directory + "/day.ndjson"])
        #expect(run.status == 0, "\(run.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory).sorted()
        #expect(files == ["day.127.0.0.1_\(one.port).ndjson", "day.127.0.0.1_\(two.port).ndjson"].sorted())
        for (file, name) in [("day.127.0.0.1_\(one.port).ndjson", "vm"), ("day.127.0.0.1_\(two.port).ndjson", "pbx2")] {
            let path = directory + "/" + file
            let mode = try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
            let replay = try EslshTests.run(["replay", path, "--fast", "--replies"])
            #expect(replay.status == 0)
            #expect(replay.stdout.contains(name + "\n"), "\(file): \(replay.stdout)")
        }
    }
}

/// `eslsim --replay FILE` serves a recording to `eslsh --events` as a live switch would.
@Suite(.timeLimit(.minutes(1))) struct SimulatorReplayTests {
    @Test func eslshReceivesTheRecordedEventsFromEslsim() throws {
        // The recording is the capture's: what eslsh receives is compared with the capture, not with
        // another eslsh run.
        let (path, events) = try RecordReplayTests.captureRecording(events: 30)
        defer { unlink(path) }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: builtBinary("eslsim"))
        process.arguments = ["-p", "0", "--heartbeat", "0", "--replay", path, "--fast"]
        let out = Pipe()
        process.standardOutput = out
        try process.run()
        defer { process.terminate(); process.waitUntilExit() }
        // "eslsim listening on 127.0.0.1:PORT"
        var banner = Data()
        while !banner.contains(0x0A) {
            let chunk = out.fileHandleForReading.availableData
            if chunk.isEmpty { break }
            banner += chunk
        }
        let port = try #require(String(decoding: banner, as: UTF8.self).split(separator: ":").last.flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) })
        let served = try EslshTests.run(["-P", "\(port)", "--events", "ALL", "--count", "30", "--format", "headers"])
        #expect(served.status == 0)
        let ours = served.stdout.split(separator: "\n").filter { $0.hasPrefix("Event-Name: ") || $0.hasPrefix("Unique-ID: ") }.map(String.init)
        let recorded = try events.flatMap { frame -> [String] in
            let event = try Event.decode(frame.body, format: .plain)
            return ["Event-Name: \(event.name)"] + (event.uniqueID.map { ["Unique-ID: \($0)"] } ?? [])
        }
        #expect(ours == recorded)
    }
}

/// `eslsh --stats`: a line a second from `status`, the `show … count` answers and the event stream.
@Suite(.timeLimit(.minutes(1))) struct StatsModeTests {
    @Test func threeLinesWithCallsChannelsAndEvents() throws {
        let simulator = try EslshTests.simulator {
            $0.callInterval = .milliseconds(150); $0.callDuration = .milliseconds(2000); $0.heartbeatInterval = .milliseconds(500)
        }
        defer { simulator.stop() }
        let run = try EslshTests.run(["-P", "\(simulator.port)", "--stats", "--count", "3"])
        #expect(run.status == 0)
        #expect(run.stderr.isEmpty)
        let lines = run.stdout.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "not a terminal: no header, only lines: \(lines)")
        for line in lines {
            let cells = line.split(separator: " ", maxSplits: 10).map(String.init)
            let numbers = cells.prefix(10)
            let calls = Int(numbers[0]) ?? 0, channels = Int(numbers[1]) ?? 0, events = Int(numbers[4]) ?? 0
            #expect(calls > 0 && channels == 2 * calls, "\(line)")
            #expect(numbers[3] == "97.5", "\(line)")
            #expect(events > 0, "\(line)")
            #expect(line.contains("CHANNEL_"), "\(line)")
        }
        // Sessions per second, from status, once calls are being made.
        #expect(lines.contains { Int($0.split(separator: " ")[2]) ?? 0 > 0 }, "\(lines)")
    }

    @Test func statsCombinesWithNeitherEventsNorCommands() throws {
        let run = try EslshTests.run(["--stats", "-x", "status"])
        #expect(run.status == 2)
        #expect(run.stderr.contains("--stats cannot be combined with --events, -x, -f or --listen"))
    }
}
