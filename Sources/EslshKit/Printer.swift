#if canImport(Glibc)
import Glibc
#endif
import ESLClient
import ESLProtocol
import Synchronization

/// The one way eslsh writes: results to stdout, diagnostics to stderr, one lock so that lines from the
/// command loop and the event printer never interleave mid-line. Stdout is buffered and flushed when
/// the caller is about to wait, so a flood of events costs few system calls.
package final class Printer: Sendable {
    private let state = Locked(Pending())
    /// Results waiting to be written; `midLine`: a tagged printer wrote part of a line (its tag too).
    private struct Pending {
        var bytes: [UInt8] = []
        var midLine = false
    }
    /// A tagged printer writes whole lines, but no longer one than this: a peer's answer without a
    /// line break must not sit in memory whole (the rest of the line follows without a tag).
    package static let longestLine = 1 << 20
    package let quiet: Bool
    /// In a fleet: `[host] `, written before every line (of stdout only when `tagsOutput`; stderr always).
    package let tag: String
    package let tagsOutput: Bool
    /// Where results and diagnostics go: stdout and stderr, or (in tests) the write ends of pipes.
    package let output: Int32
    package let errors: Int32
    /// Printers of a fleet share the descriptors: one write at a time on each, so lines never
    /// interleave. One lock per descriptor, so a full stdout never holds up stderr. Each guards an
    /// action, not a value: `Lock` (a `Locked<Int>` cost a one-shot run the instantiation of its type).
    private static let writingOut = Lock()
    private static let writingErr = Lock()

    /// Whether results can still be written. Process-wide: every printer shares stdout, and a
    /// recording that cannot be written ends the run as stdout does. Once not `.writing`, the modes
    /// stop at their next look (`outputEnded`) and `ExitStatus.final` gives the status.
    package enum OutputState: Int {
        case writing = 0
        /// EPIPE on stdout: quiet, like any filter whose reader left.
        case readerGone = 1
        /// Any other write error (stdout or the recording), already reported in one line.
        case failed = 2
    }
    private static let outputHealth = Atomic<Int>(OutputState.writing.rawValue)
    package static var outputState: OutputState { OutputState(rawValue: outputHealth.load(ordering: .relaxed)) ?? .writing }
    package static var outputEnded: Bool { outputState != .writing }
    /// Stdout itself failed: nothing more is written to it. (A failed recording ends the run too, but
    /// what the current command answered is still shown.)
    private static let resultsBroken = Atomic<Bool>(false)

    /// A write that failed: the first failure decides, and only an error other than EPIPE is told.
    package static func outputFailed(_ message: String?) {
        let state: OutputState = message == nil ? .readerGone : .failed
        guard outputHealth.compareExchange(expected: OutputState.writing.rawValue, desired: state.rawValue, ordering: .relaxed).exchanged else { return }
        if let message { _ = write(2, Array("eslsh: \(message)\n".utf8), lock: writingErr) }
    }

    package init(quiet: Bool, tag: String = "", tagsOutput: Bool = true, output: Int32 = 1, errors: Int32 = 2) {
        self.quiet = quiet
        self.tag = tag
        self.tagsOutput = tagsOutput
        self.output = output
        self.errors = errors
    }

    /// A printer for one host of a fleet: the same descriptors, its own tag.
    package func tagged(_ tag: String, tagsOutput: Bool = true) -> Printer {
        Printer(quiet: quiet, tag: tag, tagsOutput: tagsOutput, output: output, errors: errors)
    }

    /// Results (buffered until `flush`, or once 64 KiB are waiting).
    package func out(_ text: String) {
        state.withLock { pending in
            pending.bytes.append(contentsOf: text.utf8)
            if pending.bytes.count >= 1 << 16 { drain(&pending) }
        }
    }

    /// Raw result bytes (a streamed API output), passed on as they are.
    package func out(bytes: [UInt8]) {
        state.withLock { pending in
            // A large piece with nothing before it goes out as it is (runs of plain events, streamed
            // output): copying it into the buffer would only add a copy.
            if pending.bytes.isEmpty, bytes.count >= 1 << 15, tag.isEmpty || !tagsOutput {
                Self.writeResults(output, bytes)
                return
            }
            pending.bytes.append(contentsOf: bytes)
            if pending.bytes.count >= 1 << 16 { drain(&pending) }
        }
    }

    /// Results written straight into the buffer (the event stream formats into it without copies).
    package func out(_ write: (inout [UInt8]) -> Void) {
        state.withLock { pending in
            write(&pending.bytes)
            if pending.bytes.count >= 1 << 16 { drain(&pending) }
        }
    }

    package func flush() { state.withLock { drain(&$0) } }

    /// Flushes everything, a last line without a line break included (a tagged printer otherwise
    /// holds it back until the line is complete).
    package func finish() { state.withLock { drain(&$0, whole: true) } }

    /// An error: always shown, one line, after any pending results.
    package func error(_ text: String) {
        state.withLock { pending in
            drain(&pending)
            _ = Self.write(errors, Array("\(tag)eslsh: \(text)\n".utf8), lock: Self.writingErr)
        }
    }

    /// A notice or warning: hidden by `-q`.
    package func note(_ text: String) {
        guard !quiet else { return }
        error(text)
    }

    private func drain(_ pending: inout Pending, whole: Bool = false) {
        guard !pending.bytes.isEmpty else { return }
        guard !tag.isEmpty, tagsOutput else {
            Self.writeResults(output, pending.bytes)
            pending.bytes.removeAll(keepingCapacity: pending.bytes.capacity <= 1 << 20)
            return
        }
        // Tagged: complete lines only, each with the tag (a blank line gets the tag without its space).
        let buffer = pending.bytes
        let long = buffer.count >= Self.longestLine
        let end = whole || long ? buffer.count : (buffer.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0)
        guard end > 0 else { return }
        var out: [UInt8] = []
        out.reserveCapacity(end + 64)
        let tagBytes = Array(tag.utf8)
        var start = 0
        while start < end {
            let stop = buffer[start..<end].firstIndex(of: 0x0A) ?? end
            if !pending.midLine { out += stop == start ? tagBytes.dropLast(tagBytes.last == 0x20 ? 1 : 0) : tagBytes[...] }
            out += buffer[start..<stop]
            // A line cut at `longestLine` goes on later, untagged; `whole` ends it.
            pending.midLine = stop == end && !whole && buffer.last != 0x0A
            if !pending.midLine { out.append(0x0A) }
            start = stop + 1
        }
        Self.writeResults(output, out)
        pending.bytes.removeFirst(end)
    }

    /// Writes to a descriptor outside any printer (a trace line, the profile list, the password prompt).
    package static func write(_ fd: Int32, _ bytes: [UInt8]) {
        if fd == 2 { _ = write(fd, bytes, lock: writingErr) } else { writeResults(fd, bytes) }
    }

    /// Results: a write that fails is reported once (`outputFailed`) and nothing more is written;
    /// a failing stderr has nowhere to be reported.
    private static func writeResults(_ fd: Int32, _ bytes: [UInt8]) {
        guard !resultsBroken.load(ordering: .relaxed), let failure = write(fd, bytes, lock: writingOut) else { return }
        resultsBroken.store(true, ordering: .relaxed)
        outputFailed(failure == EPIPE ? nil : "cannot write to standard output: \(String(cString: strerror(failure)))")
    }

    /// Every byte written, or the errno of the write that failed.
    private static func write(_ fd: Int32, _ bytes: [UInt8], lock: Lock) -> Int32? {
        lock.withLock {
            bytes.withUnsafeBytes { raw -> Int32? in
                var offset = 0
                while offset < raw.count {
                    let written = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                    if written > 0 { offset += written } else if written < 0, errno == EINTR { continue } else { return written < 0 ? errno : EIO }
                }
                return nil
            }
        }
    }
}
