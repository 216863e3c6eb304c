#if canImport(Glibc)
import Glibc
#endif
import ConsoleUI
import ESLClient
import ESLProtocol
import Foundation
import Testing
import TestSupport
@testable import EslshKit

@Suite struct FrameRecorderTests {
    /// The line with its receive time (`"time":"2026-11-27T05:22:46.123456Z"`) replaced by `T`.
    func lines(_ path: String) throws -> [String] {
        let text = String(decoding: try #require(FileBytes.read(path)), as: UTF8.self)
        return text.split(separator: "\n").map { line in
            guard line.hasPrefix("{\"time\":\""), line.count > 36 else { return String(line) }
            return String(line.prefix(9)) + "T" + line.dropFirst(36)
        }
    }

    @Test func writesEachFrameAsALineReadableByItsOwnerOnly() throws {
        let path = temporaryPath("rec.ndjson")
        try write("old contents, world-readable\n", to: path, mode: 0o644)
        let recorder = try FrameRecorder(path: path)
        recorder.record(.frame(Frame(headers: Headers([Header("Content-Type", "command/reply"), Header("Reply-Text", "+OK")]))))
        // A streamed body, split inside a UTF-8 sequence: base64.
        recorder.record(.head(Headers([Header("Content-Type", "api/response"), Header("Content-Length", "3")]), length: 3))
        recorder.record(.chunk([0x68, 0xC3]))
        recorder.record(.chunk([0xA9]))
        recorder.record(.end)
        // A body cut short by the end of the recording is closed as it stands.
        recorder.record(.head(Headers([Header("Content-Type", "api/response"), Header("Content-Length", "9")]), length: 9))
        recorder.record(.chunk(Array("abc".utf8)))
        #expect(recorder.close() == nil)
        var info = stat()
        #expect(stat(path, &info) == 0)
        #expect(info.st_mode & 0o777 == 0o600)
        #expect(try lines(path) == [
            #"{"time":"T","type":"command/reply","headers":[["Content-Type","command/reply"],["Reply-Text","+OK"]],"body":""}"#,
            #"{"time":"T","type":"api/response","headers":[["Content-Type","api/response"],["Content-Length","3"]],"encoding":"base64","body":"aMOp"}"#,
            #"{"time":"T","type":"api/response","headers":[["Content-Type","api/response"],["Content-Length","9"]],"encoding":"base64","body":"YWJj"}"#,
        ])
    }

    @Test func aFileThatCannotBeCreatedIsAnError() {
        #expect(errorText { try FrameRecorder(path: "/nonexistent/rec") } == "cannot create recording /nonexistent/rec: No such file or directory")
    }

    @Test(arguments: [
        ("day.ndjson", "pbx1", "day.pbx1.ndjson"), ("/tmp/rec", "pbx:8022", "/tmp/rec.pbx_8022"), ("/a.b/rec", "h", "/a.b/rec.h"),
        (".rec", "h", ".rec.h"), ("dir/.rec", "h", "dir/.rec.h"), ("x.ndjson", "[::1]:8022", "x.[__1]_8022.ndjson"), ("x", "a/b", "x.a_b"),
    ])
    func aFleetRecordsEachHostIntoItsOwnFile(path: String, label: String, expected: String) {
        #expect(FrameRecorder.path(path, for: label) == expected)
    }

    @Test func startHooksTheRecorderIntoEveryConnection() throws {
        var options = ConnectOptions()
        #expect(try FrameRecorder.start(path: nil, &options) == nil)
        #expect(options.onFrame == nil)
        let path = temporaryPath("hook.ndjson")
        let recorder = try #require(try FrameRecorder.start(path: path, &options))
        options.onFrame?(.frame(Frame(headers: Headers([Header("Content-Type", "auth/request")]))))
        #expect(recorder.close() == nil)
        #expect(try lines(path) == [#"{"time":"T","type":"auth/request","headers":[["Content-Type","auth/request"]],"body":""}"#])
    }
}

@Suite struct FleetDocumentTests {
    func rows(_ table: ShowTable) -> [[String]] { [table.columns] + table.rows }

    @Test func onlyCommandsWithAnAnswerHaveASlot() {
        let document = FleetDocument(hosts: ["a", "b"], lines: ["status", "# note", "", "bgapi status", "show calls count", "status"])
        #expect(document.slots == ["status", "show calls count", "status"])
    }

    @Test func countsBecomeOneRowPerHost() {
        let table = FleetDocument.table([("a", "\n3 total.\n"), ("b", "0 total.\n")])
        #expect(rows(table) == [["host", "total"], ["a", "3"], ["b", "0"]])
    }

    @Test func theSameTableEverywhereIsMerged() {
        let table = FleetDocument.table([("a", "uuid,direction\nu1,inbound\n\n1 total.\n"), ("b", "\n0 total.\n"),
                                         ("c", "uuid,direction\nu2,outbound\nu3,inbound\n\n2 total.\n")])
        #expect(rows(table) == [["host", "uuid", "direction"], ["a", "u1", "inbound"], ["c", "u2", "outbound"], ["c", "u3", "inbound"]])
        // A table that has a host column of its own keeps it.
        let hosts = FleetDocument.table([("a", "name,host\nx,pbx\n\n1 total.\n")])
        #expect(rows(hosts) == [["fleet_host", "name", "host"], ["a", "x", "pbx"]])
    }

    @Test func anythingElseIsTheWholeAnswerPerHost() {
        let table = FleetDocument.table([("a", "UP 0 years\n\n"), ("b", "-ERR no such command\n")])
        #expect(rows(table) == [["host", "output"], ["a", "UP 0 years"], ["b", "-ERR no such command"]])
    }

    @Test func answersAreMatchedByLineAndOccurrence() {
        let document = FleetDocument(hosts: ["a", "b"], lines: ["hostname", "status", "hostname"])
        document.add(host: "a", line: "hostname", output: "pbx-a\n")
        document.add(host: "b", line: "status", output: "UP\n")  // b answered hostname once: its second timed out
        document.add(host: "a", line: "status", output: "UP\n")
        document.add(host: "a", line: "hostname", output: "pbx-a again\n")
        document.add(host: "b", line: "hostname", output: "pbx-b\n")
        let tables = document.tables()
        #expect(tables.map(\.line) == ["hostname", "status", "hostname"])
        #expect(rows(tables[0].table) == [["host", "output"], ["a", "pbx-a"], ["b", "pbx-b"]])
        #expect(rows(tables[2].table) == [["host", "output"], ["a", "pbx-a again"]])
    }
}

/// The recorder falling behind: a disk that stalls (here a fifo nobody reads) holds the writer in
/// `write`, the backlog stops at `backlogLimit` frames, the rest are counted and the count is told.
@Suite struct FrameRecorderBacklogTests {
    @Test func framesPastTheBacklogAreCountedAndTold() throws {
        let path = temporaryPath("stalled.fifo")
        #expect(mkfifo(path, 0o600) == 0)
        defer { unlink(path) }
        // The reader end is opened (a writer's open waits for one) but not read from: a stalled disk.
        let reader = open(path, O_RDONLY | O_NONBLOCK)
        try #require(reader >= 0)
        defer { close(reader) }
        // F_GETPIPE_SZ (Linux's fcntl.h; Glibc's module does not export it).
        let capacity = Int(fcntl(reader, 1032))
        #expect(capacity > 0)
        let recorder = try FrameRecorder(path: path)
        // One frame larger than the pipe: the writer takes it and is then held in `write` with most of
        // it unwritten, its list empty. That it took the frame shows as a full pipe.
        let big = Frame(headers: Headers([Header("Content-Type", "api/response")]), body: [UInt8](repeating: 0x61, count: capacity * 4))
        recorder.record(.frame(big))
        #expect(waitUntil { Self.queued(reader) == capacity }, "the writer never filled the pipe")
        let extra = 7
        let small = Frame(headers: Headers([Header("Content-Type", "command/reply"), Header("Reply-Text", "+OK")]))
        for _ in 0..<(FrameRecorder.backlogLimit + extra) { recorder.record(.frame(small)) }
        // The disk comes back: everything kept is written out, then the file closes.
        let drained = Locked<[UInt8]>([])
        let done = Gate()
        Thread.detachNewThread {
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            var pollFD = pollfd(fd: reader, events: Int16(POLLIN), revents: 0)
            while true {
                _ = poll(&pollFD, 1, 1000)
                let count = read(reader, &buffer, buffer.count)
                if count > 0 { drained.withLock { $0 += buffer[0..<count] } } else if count == 0 { break } else if errno != EAGAIN && errno != EINTR { break }
            }
            done.open()
        }
        let message = recorder.close()
        #expect(done.wait(), "the reader never saw the end of the recording")
        #expect(message == "\(extra) frames were not recorded in \(path): the disk did not keep up")
        let lines = drained.withLock { $0 }.split(separator: 0x0A)
        #expect(lines.count == 1 + FrameRecorder.backlogLimit, "every frame kept is in the file")
        #expect(lines.dropFirst().allSatisfy { String(decoding: $0, as: UTF8.self).hasSuffix(#","type":"command/reply","headers":[["Content-Type","command/reply"],["Reply-Text","+OK"]],"body":""}"#) })
    }

    /// Bytes waiting in the pipe.
    static func queued(_ fd: Int32) -> Int {
        var count: Int32 = 0
        return ioctl(fd, UInt(FIONREAD), &count) == 0 ? Int(count) : -1
    }
}
