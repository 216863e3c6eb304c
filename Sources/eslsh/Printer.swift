#if canImport(Glibc)
import Glibc
#endif
import ESLProtocol

/// The one way eslsh writes: results to stdout, diagnostics to stderr, one lock so that lines from the
/// command loop and the event printer never interleave mid-line. Stdout is buffered and flushed when
/// the caller is about to wait, so a flood of events costs few system calls.
final class Printer: Sendable {
    private let state = Locked<[UInt8]>([])
    let quiet: Bool

    init(quiet: Bool) { self.quiet = quiet }

    /// Results (buffered until `flush`, or once 64 KiB are waiting).
    func out(_ text: String) {
        state.withLock { buffer in
            buffer.append(contentsOf: text.utf8)
            if buffer.count >= 1 << 16 { Self.drain(&buffer) }
        }
    }

    /// Raw result bytes (a streamed API output), passed on as they are.
    func out(bytes: [UInt8]) {
        state.withLock { buffer in
            buffer.append(contentsOf: bytes)
            if buffer.count >= 1 << 16 { Self.drain(&buffer) }
        }
    }

    /// Results written straight into the buffer (the event stream formats into it without copies).
    func out(_ write: (inout [UInt8]) -> Void) {
        state.withLock { buffer in
            write(&buffer)
            if buffer.count >= 1 << 16 { Self.drain(&buffer) }
        }
    }

    func flush() { state.withLock { Self.drain(&$0) } }

    /// An error: always shown, one line, after any pending results.
    func error(_ text: String) {
        state.withLock { buffer in
            Self.drain(&buffer)
            Self.write(2, Array("eslsh: \(text)\n".utf8))
        }
    }

    /// A notice or warning: hidden by `-q`.
    func note(_ text: String) {
        guard !quiet else { return }
        error(text)
    }

    private static func drain(_ buffer: inout [UInt8]) {
        guard !buffer.isEmpty else { return }
        write(1, buffer)
        buffer.removeAll(keepingCapacity: buffer.capacity <= 1 << 20)
    }

    static func write(_ fd: Int32, _ bytes: [UInt8]) {
        bytes.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let written = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if written > 0 { offset += written } else if written < 0, errno == EINTR { continue } else { return }
            }
        }
    }
}
