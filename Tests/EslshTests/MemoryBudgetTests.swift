#if canImport(Glibc)
import Glibc
#endif
import ESLClient
import Foundation
import Synchronization
import TestSupport
import Testing

/// Issue 14, class 4: memory is bounded in bytes, not items. A peer sends hundreds of megabytes of
/// 256 KiB events while what eslsh writes to is stalled (a pipe, a fifo nobody reads yet); eslsh's peak
/// resident size stays under a generous bound whatever the count of events, and the loss is told once
/// the reader comes back. These are bounds on memory, read from /proc before eslsh exits, not timings.
@Suite(.serialized, .timeLimit(.minutes(3))) struct MemoryBudgetTests {
    /// 2,000 events of 256 KiB: 500 MiB on the wire, several times the bound below.
    static let events = 2000
    static let valueBytes = 256 << 10
    /// eslsh's peak resident size must stay under this (its budgets are 64 MiB; the rest is the
    /// program, one frame being decoded, one being written).
    static let bound = 300 << 20

    /// A peer that accepts the login, answers every command +OK, and once `event` was sent floods the
    /// events; `sent` opens when the last is written. It holds the connection until eslsh closes it.
    static func floodingPeer(sent: Gate) -> ScriptedServer {
        ScriptedServer { peer in
            peer.acceptAuth()
            while let command = peer.readCommand() {
                peer.send("Content-Type: command/reply\nReply-Text: +OK\n\n")
                if command.hasPrefix("event") { break }
            }
            let value = String(repeating: "a", count: valueBytes)
            for sequence in 1...events {
                let body = "Event-Name: CUSTOM\nEvent-Subclass: eslsh::big\nEvent-Sequence: \(sequence)\nX-Big: \(value)\n\n"
                peer.send("Content-Length: \(body.utf8.count)\nContent-Type: text/event-plain\n\n\(body)")
            }
            sent.open()
            peer.holdUntilClosed(within: .seconds(120))
        }
    }

    /// The process's peak resident set (VmHWM), in bytes.
    static func peakResident(_ pid: Int32) -> Int? {
        guard let bytes = FileBytes.read("/proc/\(pid)/status") else { return nil }
        let line = String(decoding: bytes, as: UTF8.self).split(separator: "\n").first { $0.hasPrefix("VmHWM:") }
        return line.flatMap { Int($0.split(separator: " ")[1]) }.map { $0 * 1024 }
    }

    /// Reads `fd` to its end on a thread of its own; `found` opens once `text` went past (the bytes
    /// themselves are not kept: there are hundreds of megabytes).
    static func drain(_ fd: Int32, watchingFor text: String, found: Gate) -> Gate {
        let ended = Gate()
        let needle = Array(text.utf8)
        Thread.detachNewThread {
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            var window: [UInt8] = []
            while true {
                let count = read(fd, &chunk, chunk.count)
                guard count > 0 else { break }
                window += chunk[0..<count]
                if window.count >= needle.count, !found.opened,
                   window.withUnsafeBufferPointer({ String(decoding: $0, as: UTF8.self) }).contains(text) { found.open() }
                window = Array(window.suffix(needle.count))
            }
            ended.open()
        }
        return ended
    }

    /// `eslsh --events ALL --format plain` into a pipe nobody reads: the inbound queue drops by bytes.
    @Test func aStalledOutputHoldsAtMostTheBudget() throws {
        let sent = Gate()
        let server = Self.floodingPeer(sent: sent)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: EslshTests.binary)
        process.arguments = ["-P", "\(server.port)", "--events", "ALL", "--format", "plain"]
        process.environment = EslshTests.environment([:])
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try? out.fileHandleForWriting.close()
        try? err.fileHandleForWriting.close()
        let errors = Self.drain(err.fileHandleForReading.fileDescriptor, watchingFor: "dropped in all", found: Gate())
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

        #expect(sent.wait(within: .seconds(120)), "the peer could not send its events")
        let peak = Self.peakResident(process.processIdentifier)
        #expect(peak != nil && peak! < Self.bound, "peak resident \(peak.map { $0 >> 20 } ?? -1) MiB")

        // The reader comes back: what was kept is written, and the loss is told in the stream.
        let marker = Gate()
        let ended = Self.drain(out.fileHandleForReading.fileDescriptor, watchingFor: "events or log lines dropped: output too slow", found: marker)
        #expect(marker.wait(within: .seconds(60)), "no drop marker in the stream")
        kill(process.processIdentifier, SIGTERM)
        #expect(waitUntil(within: .seconds(60)) { !process.isRunning })
        #expect(ended.wait() && errors.wait())
        #expect(process.terminationStatus == 0)
    }

    /// `--record` into a fifo nobody reads yet: the recorder's backlog drops by bytes.
    @Test func aStalledRecordingHoldsAtMostTheBudget() throws {
        let path = NSTemporaryDirectory() + "eslsh-\(UUID().uuidString).fifo"
        #expect(mkfifo(path, 0o600) == 0)
        defer { unlink(path) }
        // Opened (not read) first, so that eslsh's open for writing finds a reader.
        let fifo = open(path, O_RDONLY | O_NONBLOCK)
        #expect(fifo >= 0)
        _ = fcntl(fifo, F_SETFL, fcntl(fifo, F_GETFL) & ~O_NONBLOCK)
        let sent = Gate()
        let server = Self.floodingPeer(sent: sent)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: EslshTests.binary)
        process.arguments = ["-P", "\(server.port)", "--events", "ALL", "--record", path]
        process.environment = EslshTests.environment([:])
        let err = Pipe()
        process.standardOutput = FileHandle.nullDevice
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        try process.run()
        try? err.fileHandleForWriting.close()
        let told = Gate()
        let errors = Self.drain(err.fileHandleForReading.fileDescriptor, watchingFor: "frames were not recorded in \(path): the disk did not keep up", found: told)
        defer { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }

        #expect(sent.wait(within: .seconds(120)), "the peer could not send its events")
        let peak = Self.peakResident(process.processIdentifier)
        #expect(peak != nil && peak! < Self.bound, "peak resident \(peak.map { $0 >> 20 } ?? -1) MiB")

        // The reader of the recording comes back; at the end eslsh says what was left out.
        let ended = Self.drain(fifo, watchingFor: "eslsh::big", found: Gate())
        kill(process.processIdentifier, SIGTERM)
        #expect(waitUntil(within: .seconds(60)) { !process.isRunning })
        #expect(ended.wait() && errors.wait())
        close(fifo)
        #expect(told.opened, "no note of the frames left out")
        #expect(process.terminationStatus == 0)
    }

    /// `--buffer` takes a size or a count; anything else is a usage error naming both.
    @Test(arguments: [("64Q", "use a size (64M, 512K, 1G) or a number of events"), ("0", "--buffer must be 1 or more"),
                      ("1K", "--buffer takes a size from 64K to 1T")])
    func aBadBufferIsAUsageError(_ value: String, _ message: String) throws {
        let run = try EslshTests.run(["--buffer", value, "-x", "status"])
        #expect(run.status == 2)
        #expect(run.stderr.contains(message))
        #expect(run.stderr.split(separator: "\n").count == 1)
    }
}
