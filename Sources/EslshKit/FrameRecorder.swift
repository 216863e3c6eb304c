#if canImport(Glibc)
import Glibc
#endif
import ESLClient
import ESLProtocol
import Synchronization

/// `--record FILE`: every frame received, with its receive time, as a line of NDJSON (see `Recording`).
///
/// The reader thread only stamps the frame and appends it to a list; a writer thread of its own encodes
/// and writes every 20 ms, so a slow disk never slows the socket. Only received frames are recorded:
/// the `auth` command (the password) is sent, never received, and the handshake is over before the
/// first frame is recorded.
package final class FrameRecorder: @unchecked Sendable {
    package let path: String
    private let fd: Int32
    private let pending = Locked(Backlog())
    private let stopping = Atomic<Bool>(false)
    /// Frames not recorded because the writer fell this far behind (a stalled disk or pipe): memory
    /// stays bounded, and the loss is reported when the recording closes. In bytes (each part's
    /// `footprint`), counting what the writer is still writing: frames reach 16 MiB, so a count of
    /// frames bounds nothing (docs/ARCHITECTURE.md, "Buffers in bytes").
    package static let defaultBudget = 64 << 20
    package let budget: Int
    private let dropped = Atomic<Int>(0)
    private var thread: pthread_t?
    /// Writer thread only: a body arriving in pieces is base64-encoded as it comes.
    private var streaming: Base64Stream?
    private var failure: String?

    package struct Failure: Error, CustomStringConvertible {
        package var description: String
    }

    /// Creates (or truncates) the file, readable by its owner only: events carry caller numbers and
    /// variables, and replies can carry anything.
    package init(path: String, budget: Int = FrameRecorder.defaultBudget) throws(Failure) {
        self.path = path
        self.budget = max(1, budget)
        fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Failure(description: "cannot create recording \(path): \(String(cString: strerror(errno)))") }
        // An existing file keeps its mode through O_CREAT; a device or a pipe (/dev/stdout, a fifo) is
        // not ours to change.
        var status = stat()
        if fstat(fd, &status) == 0, status.st_mode & S_IFMT == S_IFREG { fchmod(fd, 0o600) }
        thread = startThread(joinable: true) { [self] in writeLoop() }
    }

    /// The hook for `ConnectOptions.onFrame` (reader thread).
    package func record(_ part: FramePart) {
        let time = WallClock.microseconds()
        let size = part.footprint
        let kept = pending.withLock { backlog in
            let fits = backlog.bytes + size <= budget || backlog.bytes == 0
            switch part {
            case .frame:
                guard fits else { return false }
            case .head:
                // The whole streamed frame is left out, its pieces with it.
                backlog.skipping = !fits
                guard fits else { return false }
            case .chunk:
                guard !backlog.skipping else { return true }
                // A body that outgrows the budget is cut there: its line is closed short (as when the
                // connection is lost mid-body) and counted as not recorded.
                backlog.skipping = !fits
                guard fits else { return false }
            case .end:
                backlog.skipping = false
            }
            backlog.parts.append((time, part, size))
            backlog.bytes += size
            return true
        }
        if !kept { dropped.add(1, ordering: .relaxed) }
    }

    /// The footprint of what is waiting to be written or being written.
    package var backlogBytes: Int { pending.withLock { $0.bytes } }

    /// Writes what is left and closes the file; a message when frames were left out. (A failed write
    /// was told when it happened.)
    package func close() -> String? {
        stopping.store(true, ordering: .relaxed)
        if let thread { pthread_join(thread, nil) }
        thread = nil
        if Glibc.close(fd) != 0, failure == nil {
            failure = "writing recording \(path) failed: \(String(cString: strerror(errno)))"
            Printer.outputFailed(failure)
        }
        let lost = dropped.load(ordering: .relaxed)
        if failure == nil, lost > 0 { return "\(lost) frames were not recorded in \(path): the disk did not keep up" }
        return nil
    }

    private func writeLoop() {
        while !stopping.load(ordering: .relaxed) {
            usleep(20_000)
            writeOut()
        }
        writeOut()
        var out: [UInt8] = []
        endInterruptedBody(&out)
        write(&out)
    }

    private func writeOut() {
        // The bytes stay counted until written: the writer's batch is part of the backlog.
        var parts = pending.withLock { backlog in
            defer { backlog.parts.removeAll(keepingCapacity: backlog.parts.capacity <= 4096) }
            return backlog.parts
        }
        guard !parts.isEmpty else { return }
        var out: [UInt8] = []
        var written = 0
        defer { pending.withLock { $0.bytes -= written } }
        for index in parts.indices {
            let (time, part, size) = parts[index]
            // Let go of each part once encoded, so the memory comes back as the budget says.
            parts[index].part = .end
            switch part {
            case .frame(let frame):
                endInterruptedBody(&out)
                out += Recording.line(RecordedFrame(time: time, frame: frame))
            case .head(let headers, _):
                endInterruptedBody(&out)
                out += Recording.head(time: time, headers: headers, base64: true)
                streaming = Base64Stream()
            case .chunk(let bytes):
                streaming?.append(bytes, to: &out)
            case .end:
                endInterruptedBody(&out)
            }
            written += size
            if out.count >= 1 << 18 {
                write(&out)
                pending.withLock { $0.bytes -= written }
                written = 0
            }
        }
        write(&out)
    }

    private struct Backlog {
        var parts: [(time: Int, part: FramePart, bytes: Int)] = []
        var bytes = 0
        /// A streamed frame's pieces are being left out (its head did not fit, or its body was cut).
        var skipping = false
    }

    /// Closes a line whose body was being streamed (at its end, or cut short when the connection was lost).
    private func endInterruptedBody(_ out: inout [UInt8]) {
        guard var encoder = streaming else { return }
        encoder.finish(&out)
        out += Recording.tail
        streaming = nil
    }

    private func write(_ out: inout [UInt8]) {
        defer { out.removeAll(keepingCapacity: true) }
        guard failure == nil else { return }
        out.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if written > 0 { offset += written } else if written < 0, errno == EINTR { continue } else {
                    // Told at once and the run ends (a recording with a hole is not one): exit status 7.
                    failure = "writing recording \(path) failed: \(String(cString: strerror(written < 0 ? errno : EIO)))"
                    Printer.outputFailed(failure)
                    return
                }
            }
        }
    }
}

extension FrameRecorder {
    /// Starts the recorder and hooks it into the connection options (every connection, reconnects too).
    package static func start(path: String?, _ connect: inout ConnectOptions) throws(FrameRecorder.Failure) -> FrameRecorder? {
        guard let path else { return nil }
        let recorder = try FrameRecorder(path: path)
        connect.onFrame = { part in recorder.record(part) }
        return recorder
    }

    /// A fleet records each host into its own file: `day.ndjson` → `day.pbx1.ndjson`, `day.pbx2.ndjson`
    /// (the host as written, `/` and `:` made `_`), so each replays as the one switch it was.
    package static func startFleet(path: String?, _ hosts: [FleetHost]) throws(FrameRecorder.Failure) -> [String: FrameRecorder] {
        guard let path else { return [:] }
        var recorders: [String: FrameRecorder] = [:]
        for host in hosts {
            do throws(FrameRecorder.Failure) {
                recorders[host.label] = try FrameRecorder(path: Self.path(path, for: host.label), budget: Fleet.share(defaultBudget, hosts: hosts.count))
            } catch {
                for recorder in recorders.values { _ = recorder.close() }
                throw error
            }
        }
        return recorders
    }

    package static func path(_ path: String, for label: String) -> String {
        let safe = String(label.map { $0 == "/" || $0 == ":" ? "_" : $0 })
        let slash = path.lastIndex(of: "/")
        if let dot = path.lastIndex(of: "."), dot > (slash ?? path.startIndex), dot != path.startIndex,
           slash.map({ path.index(after: $0) != dot }) ?? true {
            return path[..<dot] + "." + safe + path[dot...]
        }
        return path + "." + safe
    }
}
