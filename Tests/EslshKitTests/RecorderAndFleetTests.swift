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

/// The recorder's backlog is bounded in bytes (issue 14, class 4): a writer stuck on a fifo nobody
/// reads holds at most the budget, and the frames left out are counted.
@Suite struct FrameRecorderBudgetTests {
    static func frame(_ size: Int) -> FramePart {
        .frame(Frame(headers: ["Content-Type": "text/event-plain"], body: Array(repeating: 0x61, count: size)))
    }

    /// A fifo with a reader that reads nothing until `drain` is called.
    final class StalledFifo: Sendable {
        let path = temporaryPath("stalled.fifo")
        let reader: Int32
        init() {
            mkfifo(path, 0o600)
            reader = open(path, O_RDONLY | O_NONBLOCK)
        }
        func drain() -> Int {
            _ = fcntl(reader, F_SETFL, fcntl(reader, F_GETFL) & ~O_NONBLOCK)
            var total = 0
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while case let count = read(reader, &chunk, chunk.count), count > 0 { total += count }
            return total
        }
        deinit {
            close(reader)
            unlink(path)
        }
    }

    @Test func aStalledWriterHoldsAtMostTheBudgetAndCountsWhatItLeftOut() throws {
        let fifo = StalledFifo()
        let recorder = try FrameRecorder(path: fifo.path, budget: 1 << 20)
        for _ in 0..<40 { recorder.record(Self.frame(256 << 10)) }
        #expect(recorder.backlogBytes <= 1 << 20)
        _ = startThread { _ = fifo.drain() }
        let message = try #require(recorder.close())
        #expect(message.hasSuffix("frames were not recorded in \(fifo.path): the disk did not keep up"))
        let lost = try #require(Int(message.prefix { $0 != " " }))
        #expect(lost >= 36 && lost < 40)
        #expect(recorder.backlogBytes == 0)
    }

    @Test func aStreamedBodyPastTheBudgetIsCutAndCounted() throws {
        let fifo = StalledFifo()
        let recorder = try FrameRecorder(path: fifo.path, budget: 1 << 20)
        recorder.record(.head(["Content-Type": "api/response", "Content-Length": "\(8 << 20)"], length: 8 << 20))
        for _ in 0..<32 { recorder.record(.chunk(Array(repeating: 0x61, count: 256 << 10))) }
        recorder.record(.end)
        #expect(recorder.backlogBytes <= 1 << 20)
        _ = startThread { _ = fifo.drain() }
        #expect(recorder.close() == "1 frames were not recorded in \(fifo.path): the disk did not keep up")
    }
}

/// A fleet's document is gathered whole, so its answers are bounded in bytes (issue 14, class 4).
@Suite struct FleetDocumentBudgetTests {
    @Test func answersPastTheBudgetAreLeftOutAndCounted() {
        let document = FleetDocument(hosts: ["a", "b", "c"], lines: ["status"], budget: 100)
        document.add(host: "a", line: "status", output: String(repeating: "x", count: 60) + "\n")
        document.add(host: "b", line: "status", output: String(repeating: "y", count: 60) + "\n")
        document.add(host: "c", line: "status", output: "UP\n")
        #expect(document.leftOut == 1)
        let rows = document.tables()[0].table.rows
        #expect(rows.map { $0[0] } == ["a", "b", "c"])
        #expect(rows[1][1] == FleetDocument.leftOutText)
        #expect(rows[2][1] == "UP")
    }
}

/// A tagged printer writes whole lines, but holds no line past `longestLine` (issue 14, class 4).
@Suite struct TaggedPrinterTests {
    @Test func aLineLongerThanTheBoundGoesOutTaggedOnce() throws {
        var pipe: [Int32] = [0, 0]
        #expect(Glibc.pipe(&pipe) == 0)
        let printer = Printer(quiet: false, tag: "[a] ", output: pipe[1], errors: 2)
        let collected = Locked<[UInt8]>([])
        let readEnd = pipe[0]
        _ = startThread {
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while case let count = read(readEnd, &chunk, chunk.count), count > 0 { collected.withLock { $0 += chunk[0..<count] } }
        }
        printer.out(bytes: Array(repeating: 0x61, count: Printer.longestLine + 10))
        // Written before the line ended: the printer does not hold it.
        #expect(waitUntil { collected.withLock { $0.count } >= Printer.longestLine })
        printer.out("b\nnext\n")
        printer.finish()
        close(pipe[1])
        #expect(waitUntil { collected.withLock { $0.last } == 0x0A && collected.withLock { $0.count } == Printer.longestLine + 10 + 4 + 2 + 9 })
        let text = String(decoding: collected.withLock { $0 }, as: UTF8.self)
        #expect(text == "[a] " + String(repeating: "a", count: Printer.longestLine + 10) + "b\n[a] next\n")
        close(pipe[0])
    }
}
