#if canImport(Glibc)
import Glibc
#endif
import ESLClient
import ESLProtocol
import ESLSimulator
import Foundation
import Synchronization
import TestSupport
import Testing

/// `--stats` ended by Ctrl-C, a script's `bgapi` when the watcher connection cannot be had, and a
/// recording that goes on across a reconnect.
@Suite(.timeLimit(.minutes(2))) struct RunEndingTests {
    /// Ctrl-C (SIGINT) ends `--stats` with what it printed so far and exit 0 (docs/guide.md, Live stats).
    @Test func ctrlCEndsStatsWithZero() throws {
        let simulator = try EslshTests.simulator()
        defer { simulator.stop() }
        let eslsh = try RunningEslsh(["-P", "\(simulator.port)", "--stats"])
        #expect(eslsh.waitForOutput(seconds: 15) { $0.hasSuffix("\n") }, "no stats line")
        eslsh.signal(SIGINT)
        let run = eslsh.finish()
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr.isEmpty)
        let lines = run.stdout.split(separator: "\n")
        #expect(!lines.isEmpty && !run.stdout.contains("calls chans"), "into a pipe: lines only, no header: \(run.stdout)")
    }

    /// A switch that takes one connection: the watcher's (the second) is never greeted, so the watcher
    /// cannot be opened (after `-T`: 2 s, ample for the first connection's greeting on a busy machine). The script's `bgapi` then subscribes its own connection to BACKGROUND_JOB and
    /// still prints the job's result; the bgapi capture's replies, with eslsh's Job-UUID.
    @Test func bgapiWithoutAWatcherStillPrintsTheResult() throws {
        let captured = String(decoding: Fixtures.received("bgapi"), as: UTF8.self)
        let capturedUUID = "d8c7f660-37a6-4e73-9170-1a731c442148"
        // The capture's answer to `bgapi version` with that Job-UUID: the reply, then its BACKGROUND_JOB.
        let start = try #require(captured.range(of: "Content-Type: command/reply\nReply-Text: +OK Job-UUID: \(capturedUUID)"))
        let end = try #require(captured.range(of: "Content-Type: command/reply\nReply-Text: +OK Job-UUID: b5a2cc63"))
        let answer = String(captured[start.lowerBound..<end.lowerBound])
        let commands = Mutex<[String]>([])
        let server = ScriptedServer { peer in
            peer.acceptAuth()
            guard let subscribe = peer.readCommand() else { return }
            commands.withLock { $0.append(subscribe) }
            peer.send("Content-Type: command/reply\nReply-Text: +OK event listener enabled plain\n\n")
            guard let bgapi = peer.readCommand() else { return }
            commands.withLock { $0.append(bgapi) }
            let uuid = bgapi.split(separator: "\n").first { $0.hasPrefix("Job-UUID: ") }.map { String($0.dropFirst(10)) } ?? "none"
            peer.send(answer.replacingOccurrences(of: capturedUUID, with: uuid))
            peer.holdUntilClosed()
        }
        let run = try EslshTests.run(["-P", "\(server.port)", "-T", "2s", "-t", "5s"], stdin: "bgapi version\n")
        #expect(run.status == 0, "\(run.stderr)")
        #expect(run.stderr == "eslsh: background job results cannot be followed: 127.0.0.1:\(server.port) accepted the connection but sent no auth/request within 2000 ms (is this a FreeSWITCH event socket?)\n")
        let sent = commands.withLock { $0 }
        #expect(sent.first == "event plain BACKGROUND_JOB\n\n")
        #expect(sent.last?.hasPrefix("bgapi version\nJob-UUID: ") == true, "\(sent)")
        let uuid = sent.last.flatMap { $0.split(separator: "\n").last.map { String($0.dropFirst(10)) } } ?? ""
        #expect(run.stdout == "+OK Job-UUID: \(uuid)\nFreeSWITCH Version 1.11.3-dev+git~20260821T141014Z~cc93a683ca~64bit (git cc93a68 2026-08-21 14:10:14Z 64bit)\n")
    }

    /// `--record` with `-R`: the switch restarts, eslsh reconnects, and the one file holds both
    /// connections' frames (each subscription's reply, the events of a call on each), which `eslsh
    /// replay` reads back in order.
    @Test func aRecordingGoesOnAcrossAReconnect() throws {
        let path = NSTemporaryDirectory() + "eslsh-reconnect-\(UUID().uuidString).ndjson"
        defer { unlink(path) }
        let first = try EslshTests.simulator()
        let port = first.port
        let second = Mutex<Simulator?>(nil)
        defer { second.withLock { $0?.stop() } }
        let step = BackgroundStep()
        Thread.detachNewThread {
            step.run("the first switch's call") {
                guard waitUntil({ first.listeningSessions == 1 }) else { throw HangCheckFailed("no subscriber on the first switch") }
                first.originate(destination: "9196")
                // Both CHANNEL_CREATEs are in the file before the switch goes.
                guard waitUntil({ Self.count("CHANNEL_CREATE", in: path) == 2 }) else { throw HangCheckFailed("the first call was not recorded") }
                first.stop()
                let restarted = try EslshTests.simulator { $0.port = port }
                second.withLock { $0 = restarted }
                guard waitUntil({ restarted.listeningSessions == 1 }) else { throw HangCheckFailed("eslsh did not reconnect") }
                restarted.originate(destination: "5000")
            }
        }
        let run = try EslshTests.run(["-P", "\(port)", "-R", "--record", path, "--events", "CHANNEL_CREATE", "--count", "4"])
        #expect(step.error == nil, "\(step.error ?? "")")
        #expect(run.status == 0, "\(run.stderr)")
        // On a busy machine the second switch may come up after the first attempt: that one failed, said so.
        // The reconnect is told, and that events in between were missed.
        let told = run.stderr.split(separator: "\n")
        #expect(told.first == "eslsh: connection closed by 127.0.0.1:\(port)", "\(run.stderr)")
        #expect(told.last?.hasPrefix("eslsh: reconnected after ") == true, "\(run.stderr)")
        #expect(told.dropFirst().dropLast().allSatisfy { $0.hasPrefix("eslsh: reconnect attempt ") }, "\(run.stderr)")
        let replay = try EslshTests.run(["replay", path, "--fast", "--replies", "--format", "headers"])
        #expect(replay.status == 0, "\(replay.stderr)")
        let lines = replay.stdout.split(separator: "\n").map(String.init)
        #expect(lines.filter { $0.hasPrefix("+OK event listener enabled") }.count == 2, "one subscription per connection: \(replay.stdout)")
        #expect(lines.filter { $0.hasPrefix("Channel-Name: ") } == [
            "Channel-Name: loopback/9196-a", "Channel-Name: loopback/9196-b", "Channel-Name: loopback/5000-a", "Channel-Name: loopback/5000-b",
        ], "\(replay.stdout)")
    }

    /// How many recorded lines mention `text` (0 while the file is not there).
    static func count(_ text: String, in path: String) -> Int {
        guard let bytes = FileBytes.read(path) else { return 0 }
        return String(decoding: bytes, as: UTF8.self).split(separator: "\n").filter { $0.contains(text) }.count
    }
}

struct HangCheckFailed: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
