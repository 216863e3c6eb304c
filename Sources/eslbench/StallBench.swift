#if canImport(Glibc)
import Glibc
#endif
import ESLClient
import ESLProtocol
import Foundation
import Synchronization

/// Memory bounded in bytes (issue 14, class 4): a peer sends 256 KiB events while what eslsh writes to
/// is stalled (stdout a fifo nobody reads; a `--record` fifo nobody reads), then the reader comes back.
/// eslsh's peak RSS against the same stream into /dev/null, where nothing waits. Before the budgets,
/// the stall held every event (3,000 events, 767 MB).
extension Bench {
    /// A peer on loopback: accepts the login, answers commands +OK until `event`, sends `events` events
    /// of 256 KiB, opens `sent`, waits for `resume`, says goodbye and closes.
    final class EventFlood: Sendable {
        let port: Int
        let sent = Atomic<Bool>(false)
        let resume = Atomic<Bool>(false)

        init(events: Int) {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            listen(fd, 1)
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
            port = Int(UInt16(bigEndian: address.sin_port))
            Thread.detachNewThread { [self] in
                let peer = accept(fd, nil, nil)
                close(fd)
                guard peer >= 0 else { return }
                func send(_ bytes: [UInt8]) { _ = bytes.withUnsafeBytes { Glibc.send(peer, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } }
                func command() -> String? {
                    var bytes: [UInt8] = []
                    var byte: UInt8 = 0
                    while recv(peer, &byte, 1, 0) == 1 {
                        bytes.append(byte)
                        if bytes.suffix(2) == [10, 10] { return String(decoding: bytes, as: UTF8.self) }
                    }
                    return nil
                }
                send(Array("Content-Type: auth/request\n\n".utf8))
                _ = command()
                send(Array("Content-Type: command/reply\nReply-Text: +OK accepted\n\n".utf8))
                while let line = command() {
                    send(Array("Content-Type: command/reply\nReply-Text: +OK\n\n".utf8))
                    if line.hasPrefix("event") { break }
                }
                let value = String(repeating: "a", count: 256 << 10)
                for sequence in 1...events {
                    let body = "Event-Name: CUSTOM\nEvent-Subclass: eslbench::big\nEvent-Sequence: \(sequence)\nX-Big: \(value)\n\n"
                    send(Array("Content-Length: \(body.utf8.count)\nContent-Type: text/event-plain\n\n\(body)".utf8))
                }
                sent.store(true, ordering: .releasing)
                while !resume.load(ordering: .acquiring) { usleep(10_000) }
                let goodbye = DisconnectNotice.goodbyeText
                send(Array("Content-Type: text/disconnect-notice\nContent-Length: \(goodbye.utf8.count)\n\n\(goodbye)".utf8))
                shutdown(peer, Int32(SHUT_WR))
                var byte: UInt8 = 0
                while recv(peer, &byte, 1, 0) > 0 {}
                close(peer)
            }
        }
    }

    final class Gate: Sendable {
        private let flag = Atomic<Bool>(false)
        func open() { flag.store(true, ordering: .releasing) }
        var opened: Bool { flag.load(ordering: .acquiring) }
    }

    /// eslsh's peak RSS (KiB) for `events` events; `stall`: which output is a fifo not read until the
    /// peer has sent them all (nil: stdout is /dev/null and nothing waits).
    func stallPeak(wrapper: String, events: Int, stall: String?) throws -> Int? {
        let fifo = NSTemporaryDirectory() + "eslbench-stall-\(getpid()).fifo"
        unlink(fifo)
        guard mkfifo(fifo, 0o600) == 0 else { return nil }
        defer { unlink(fifo) }
        // Opened before eslsh opens it for writing (that open waits for a reader), read only later.
        let reader = open(fifo, O_RDONLY | O_NONBLOCK)
        defer { close(reader) }
        let flood = EventFlood(events: events)
        let report = NSTemporaryDirectory() + "eslbench-stall-rss.txt"
        var arguments = [report, eslshPath, "-P", "\(flood.port)", "--events", "ALL", "--format", "plain"]
        if stall == "record" { arguments += ["--record", fifo] }
        let output = stall == "stdout" ? fifo : "/dev/null"
        let done = Gate()
        let path = wrapper, spawned = arguments
        Thread.detachNewThread {
            _ = try? Bench.spawn(path, spawned, output: output)
            done.open()
        }
        while !flood.sent.load(ordering: .acquiring), !done.opened { usleep(10_000) }
        _ = fcntl(reader, F_SETFL, fcntl(reader, F_GETFL) & ~O_NONBLOCK)
        flood.resume.store(true, ordering: .releasing)
        if stall != nil {
            var chunk = [UInt8](repeating: 0, count: 1 << 16)
            while read(reader, &chunk, chunk.count) > 0 {}
        }
        while !done.opened { usleep(10_000) }
        return Int((try? String(contentsOfFile: report, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "")
    }

    func stall() throws {
        guard let wrapper = try compile("eslbench-rss", Bench.rssWrapper) else { print("stall.skipped 0 (no C compiler)"); return }
        let events = quick ? 1000 : 2000
        guard let keptUp = try stallPeak(wrapper: wrapper, events: events, stall: nil),
              let stdout = try stallPeak(wrapper: wrapper, events: events, stall: "stdout"),
              let record = try stallPeak(wrapper: wrapper, events: events, stall: "record") else {
            print("stall.skipped 0 (no peak reported)")
            return
        }
        let name = "\(events)x256k"
        line("stall.\(name).kept_up", Double(keptUp) / 1024, "MB")
        line("stall.\(name).stdout_stalled", Double(stdout) / 1024, "MB")
        line("stall.\(name).record_stalled", Double(record) / 1024, "MB")
        line("stall.ratio", Double(max(stdout, record)) / Double(keptUp), "x")
    }
}
