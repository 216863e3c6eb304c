#if canImport(Glibc)
import Glibc
#endif

/// Lines of a file or of standard input, read plainly (no line editor, no prompt).
package struct LineFile: Sequence, IteratorProtocol {
    private let handle: UnsafeMutablePointer<FILE>

    /// fd 0 as a stream (Swift 6 rejects the C global `stdin`).
    package static var standardInput: LineFile { LineFile(handle: fdopen(0, "r")) }

    private init(handle: UnsafeMutablePointer<FILE>) { self.handle = handle }

    package init?(path: String) {
        guard let handle = fopen(path, "r") else { return nil }
        self.handle = handle
    }

    package mutating func next() -> String? {
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        let count = getline(&line, &capacity, handle)
        guard count >= 0, let line else { return nil }
        // By bytes: Swift counts "\r\n" as one character, so `hasSuffix("\n")` misses a CRLF ending.
        // `count`, not `strlen`: a NUL inside the line must reach the encoder, which refuses it,
        // rather than end the line there and drop the rest in silence.
        var length = count
        if length > 0, line[length - 1] == 0x0A { length -= 1 }
        return String(decoding: UnsafeRawBufferPointer(start: line, count: length), as: UTF8.self)
    }
}
