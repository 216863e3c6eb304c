import Foundation
@testable import ESLClient
import ESLProtocol
import TestSupport
import Testing

/// `ConnectOptions.plainEventRuns` (issue 16: the plain drain): plain events reach the consumer as runs
/// of their texts, in order with everything else; a job's result still reaches its job; drops count
/// the events of a run.
@Suite(.timeLimit(.minutes(1))) struct PlainEventRunTests {
    static let before = "Event-Name: CUSTOM\nEvent-Subclass: before\n\n"
    static let after = "Event-Name: HEARTBEAT\nEvent-Info: System%20Ready\n\n"
    static let last = "Event-Name: CUSTOM\nEvent-Subclass: last\nContent-Length: 4\n\nbody"

    static func event(_ body: String) -> String {
        "Content-Length: \(body.utf8.count)\nContent-Type: text/event-plain\n\n\(body)"
    }

    /// `recorded`: with a frame hook (as `--record` sets), every frame goes the general way; without,
    /// FreeSWITCH's plain-event frames take the decoder's shortcut. Both must look into events while a
    /// job waits.
    @Test(arguments: [false, true])
    func runsKeepTheOrderAndJobsGetTheirResults(recorded: Bool) throws {
        let server = ScriptedServer { peer in
            peer.acceptAuth()
            guard let command = peer.readCommand(), let uuid = command.split(separator: "\n").first(where: { $0.hasPrefix("Job-UUID: ") })?.dropFirst(10) else { return }
            peer.send("Content-Type: command/reply\nReply-Text: +OK Job-UUID: \(uuid)\nJob-UUID: \(uuid)\n\n")
            peer.send(Self.event(Self.before))
            peer.send("Content-Type: log/data\nContent-Length: 6\nLog-Level: 7\n\nhello\n")
            peer.send(Self.event("Event-Name: BACKGROUND_JOB\nJob-UUID: \(uuid)\nJob-Command: status\nContent-Length: 3\n\nvm\n"))
            peer.send(Self.event(Self.after))
            peer.send(Self.event(Self.last))
            peer.send("Content-Type: log/data\nContent-Length: 4\nLog-Level: 3\n\nbye\n")
            _ = peer.readCommand()
        }
        var options = ConnectionTests.options(server.port)
        options.plainEventRuns = true
        if recorded { options.onFrame = { _ in } }
        let connection = try Connection.open(options)
        defer { connection.close() }
        let job = try connection.bgapi("status")
        #expect(try job.wait(timeout: .seconds(5)).body == "vm\n")
        var items: [String] = []
        var runBytes = ""
        while items.last != "log 3", let item = connection.inbound.next(until: .after(milliseconds: 5000)) {
            guard case .message(let message) = item else { continue }
            if case .plainEvents(let run) = message {
                runBytes += String(decoding: run.bytes, as: UTF8.self)
                if items.last != "run" { items.append("run") }  // a run may be split across reads
            } else {
                items.append(message.label)
            }
        }
        // While the job ran, the event before its result was looked into; after it, none is.
        #expect(items == ["plain CUSTOM", "log 7", "run", "log 3"])
        #expect(runBytes == Self.after + "\n" + Self.last + "\n")
    }

    /// The pause mark counts events, as the capacity does: four runs of three events are twelve, above a
    /// mark of ten, and the reader waits for a consumer that is taking (counted in messages they were
    /// four, and the reader ran on: with runs of thirty, 7,500 events ahead and the memory with them).
    @Test func thePauseMarkCountsTheEventsOfRuns() {
        let pacing = InboundQueue.Pacing(pauseAbove: 10, resumeAt: 4, longestPause: .seconds(30), activeWithin: .seconds(30), share: 1)
        let queue = InboundQueue(capacity: 100, pacing: pacing)
        queue.push(.rudeRejection("first"))
        #expect(queue.poll() == .message(.rudeRejection("first")))  // the consumer is now active
        func run(_ events: Int) -> Message {
            var run = PlainEventRun()
            for _ in 0..<events { run.append(Array(Self.after.utf8)) }
            return .plainEvents(run)
        }
        let consumer = Thread {
            while queue.depth < 4 { usleep(1000) }
            _ = queue.nextBatch(limit: 3, until: nil)
        }
        consumer.start()
        queue.push([run(3), run(3), run(3), run(3)])
        // The push returned only once the consumer had taken three runs: one is left.
        #expect(queue.depth == 1)
        #expect(queue.droppedTotal == 0)
    }

    @Test func dropsCountTheEventsOfARun() {
        let queue = InboundQueue(capacity: 5)
        func run(_ events: Int) -> Message {
            var run = PlainEventRun()
            for _ in 0..<events { run.append(Array(Self.after.utf8)) }
            return .plainEvents(run)
        }
        queue.push([run(3), run(3)], pace: false)
        queue.push([.log(LogLine(level: 7, text: "x\n"))], pace: false)
        #expect(queue.poll() == .dropped(3))
        guard case .message(.plainEvents(let kept))? = queue.poll() else { Issue.record("no run"); return }
        #expect(kept.count == 3)
        guard case .message(.log)? = queue.poll() else { Issue.record("no log line"); return }
        #expect(queue.droppedTotal == 3)
    }
}
