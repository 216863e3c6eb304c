#if canImport(Glibc)
import Glibc
#endif

/// Results go to stdout, diagnostics to stderr, both unbuffered so their order is the order of events.
enum Output {
    static func out(_ text: String) { write(1, text) }

    /// One diagnostic line, prefixed with the program name.
    static func error(_ text: String) { write(2, "eslsh: \(text)\n") }

    static func write(_ fd: Int32, _ text: String) {
        var text = text
        text.withUTF8 { bytes in
            var offset = 0
            while offset < bytes.count {
                let written = Glibc.write(fd, bytes.baseAddress! + offset, bytes.count - offset)
                if written > 0 { offset += written } else if written < 0, errno == EINTR { continue } else { return }
            }
        }
    }
}
