import Foundation
import Synchronization
import TestSupport
import Testing

/// Issue 14, class 7: an event whose inner `Content-Length` is longer or shorter than the body it
/// frames is malformed. A job's result that is one is reported as that job's malformed result (it
/// once waited into a "no result within the reply timeout", or was cut short without a word); in an
/// event stream it is named, counted, and the stream goes on.
@Suite(.timeLimit(.minutes(1))) struct LyingLengthTests {
    static let result = "UP 0 years, 1 minute\n"

    /// A plain BACKGROUND_JOB whose inner length says `declared` for the 21-byte result.
    static func backgroundJob(_ uuid: String, declared: Int) -> String {
        HostileServerTests.event("text/event-plain", "Event-Name: BACKGROUND_JOB\nJob-UUID: \(uuid)\nJob-Command: status\nContent-Length: \(declared)\n\n\(result)")
    }

    static func reason(_ declared: Int) -> String {
        "malformed plain event: inner Content-Length \(declared) is \(declared > 21 ? "longer" : "shorter") than the 21-byte body it frames"
    }

    /// The Job-UUID eslsh chose, from its `bgapi` command.
    static func jobUUID(_ command: String) -> String {
        command.split(separator: "\n").first { $0.hasPrefix("Job-UUID: ") }.map { String($0.dropFirst(10)) } ?? ""
    }

    /// The session (connection 0) answers the `bgapi`; the watcher (1), which eslsh opens to follow
    /// job results, subscribes and then gets the job's result, with a lying length.
    @Test(arguments: [400, 5]) func aJobResultThroughTheWatcher(declared: Int) throws {
        let uuid = Mutex<String?>(nil)
        let server = ScriptedServer(connections: 2) { peer, number in
            peer.acceptAuth()
            if number == 0 {
                let command = peer.readCommand() ?? ""
                uuid.withLock { $0 = Self.jobUUID(command) }
                peer.send("Content-Type: command/reply\nReply-Text: +OK Job-UUID: \(Self.jobUUID(command))\nJob-UUID: \(Self.jobUUID(command))\n\n")
            } else {
                for _ in 0..<4 where peer.readCommand() != nil { peer.send("Content-Type: command/reply\nReply-Text: +OK\n\n") }
                guard waitUntil({ uuid.withLock { $0 } != nil }), let job = uuid.withLock({ $0 }) else { return }
                peer.send(Self.backgroundJob(job, declared: declared))
            }
            peer.holdUntilClosed()
        }
        let (run, job) = try Self.bgapiStatus(server, uuid)
        #expect(run.stderr == "eslsh: job \(job) (status): its result was malformed (\(Self.reason(declared)))\n")
    }

    /// `-x "bgapi status"`, which must end with 6 and the job's acceptance on stdout; the job's UUID.
    static func bgapiStatus(_ server: ScriptedServer, _ uuid: borrowing Mutex<String?>) throws -> (EslshTests.Run, String) {
        let (run, inTime) = try HangCheck.run { try EslshTests.run(["-P", "\(server.port)", "-t", "10s", "-x", "bgapi status"]) }
        #expect(inTime)
        let job = uuid.withLock { $0 } ?? "?"
        #expect(run.status == 6, "\(run.stderr)")
        #expect(run.stdout == "+OK Job-UUID: \(job)\n")
        return (run, job)
    }

    /// No watcher (the second connection refuses its subscription): the session follows the job
    /// itself, and its connection routes the malformed result to the job.
    @Test(arguments: [400, 5]) func aJobResultOnTheSessionItself(declared: Int) throws {
        let uuid = Mutex<String?>(nil)
        let server = ScriptedServer(connections: 2) { peer, number in
            peer.acceptAuth()
            if number == 1 {
                _ = peer.readCommand()
                peer.send("Content-Type: command/reply\nReply-Text: -ERR not now\n\n")
                return peer.holdUntilClosed()
            }
            _ = peer.readCommand()  // event plain BACKGROUND_JOB
            peer.send("Content-Type: command/reply\nReply-Text: +OK event listener enabled plain\n\n")
            let job = Self.jobUUID(peer.readCommand() ?? "")
            uuid.withLock { $0 = job }
            peer.send("Content-Type: command/reply\nReply-Text: +OK Job-UUID: \(job)\nJob-UUID: \(job)\n\n")
            peer.send(Self.backgroundJob(job, declared: declared))
            peer.holdUntilClosed()
        }
        let (run, job) = try Self.bgapiStatus(server, uuid)
        #expect(run.stderr.hasPrefix("eslsh: background job results cannot be followed: "), "\(run.stderr)")
        #expect(run.stderr.hasSuffix("\neslsh: job \(job) (status): its result was malformed (\(Self.reason(declared)))\n"), "\(run.stderr)")
    }

    @Test(arguments: [400, 5]) func anEventStreamNamesAndCountsThemAndGoesOn(declared: Int) throws {
        let server = HostileServerTests.streaming([
            Self.backgroundJob("other-clients-job", declared: declared),
            HostileServerTests.event("text/event-plain", "Event-Name: HEARTBEAT\n\n"),
        ])
        let (run, inTime) = try HangCheck.run {
            try EslshTests.run(["-P", "\(server.port)", "--events", "ALL", "--format", "headers", "--count", "1"])
        }
        #expect(inTime)
        #expect(run.status == 0)
        #expect(run.stdout == "Event-Name: HEARTBEAT\n\n")
        #expect(run.stderr == "eslsh: \(Self.reason(declared))\neslsh: 1 malformed event was skipped in all\n")
    }
}
